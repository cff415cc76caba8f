import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { ConfigError, type Env, readInteger, readString } from "../../shared/src/env.ts";
import { DEFAULT_LAB_DIR } from "../../shared/src/lab-manifest.ts";
import { type LabOrigins, readLabOrigins } from "../../shared/src/lab-origins.ts";
import { type ApiCheck, readApiCheck } from "./api/api-options.ts";
import { readSubmissionIdentity, type SubmissionIdentity } from "./classroom-result.ts";
import {
  ENGINES,
  type EngineName,
  LOCAL_NETWORK,
  type LocalNetwork,
  THIRD_PARTY_COOKIES,
  type ThirdPartyCookies,
} from "./engines/engine.ts";

export interface GraderConfig {
  /** The lab's origins by role, in the origin set the lab runs with. */
  readonly origins: LabOrigins;
  /** A step's expectation file; undefined means the built-in default (nothing shared cross-origin). */
  readonly expectFile: string | undefined;
  /** A step of the guide, whose expectations come from lab/manifest.json; with `all`, the last one. */
  readonly step: number | undefined;
  /** Every step from the first up to `step` (or the guide's last), each with its own expectations. */
  readonly all: boolean;
  /** Measure the guide's claims about browsers (lab/claims.json) instead of grading (issue #20). */
  readonly claims: boolean;
  /** Each step checked through its page's own "Check in this browser" button (issue #24). */
  readonly inBrowser: boolean;
  /** The student's own API, asked from the pages they name, instead of the lab (issue #25). */
  readonly api: ApiCheck | undefined;
  readonly labDir: string;
  readonly reportDir: string;
  /**
   * The same folder as the user knows it: inside Compose the grader writes to /reports, which is
   * REPORTS_DIR on the user's machine.
   */
  readonly reportDirShown: string;
  /** The engines the run grades in, in ENGINES' order (issue #14). */
  readonly browsers: readonly EngineName[];
  /** Third-party cookies as each engine ships, or withheld by Chromium too (issue #20). */
  readonly thirdPartyCookies: ThirdPartyCookies;
  /** Local Network Access as a user never asked (denied), or who allowed it (issue #23). */
  readonly localNetwork: LocalNetwork;
  /** Each engine's executable. */
  readonly executables: Readonly<Record<EngineName, string>>;
  readonly timeoutMs: number;
  /** Chromium's --host-resolver-rules; empty for none. */
  readonly hostResolverRules: string;
  /** PEM certificates the grader trusts besides the system's (GRADER_TRUSTED_CA_FILE), if any. */
  readonly trustedCertificates: string | undefined;
  /** Who and what is graded, for result.json (set by Classroom 50; placeholders elsewhere). */
  readonly identity: SubmissionIdentity;
  /** The warm grader's port on 127.0.0.1, which the command line asks first (issue #11); 0: never. */
  readonly servicePort: number;
}

export const USAGE = `Usage: grader [--step N | --all [--step N] | --expect FILE | --claims] [--browser B]
              [--third-party-cookies C] [--local-network L] [--report-dir DIR] [--json]
       grader --api URL [--from ORIGINS] [--not-from ORIGINS] [--kinds K] [--method M]
              [--header "Name: value"]... [--browser B] [--report-dir DIR]

Loads each lab origin's page in a browser, fetches every other origin's /headers from it, and
compares what the browser allowed or blocked with what is expected.

  --step N           check step N of the guide (lab/manifest.json names its expectations)
  --all              check every step of the guide, or with --step N the steps 1 to N
  --expect FILE      expectations as JSON (default: same-origin allowed, cross-origin blocked)
  --in-browser       with --step or --all: check each step as its page's "Check in this browser"
                     button does, in the engine's own window, and read the page's table
  --claims           measure what the guide says browsers do (lab/claims.json) in each engine of
                     the run, and say which claims hold; writes claims.json to the report folder
  --api URL          your own API instead of the lab: each page origin calls URL from a page the
                     grader gives it, and the browser's verdict is explained; http://localhost:PORT
                     is your machine (reached as GRADER_HOST_MACHINE, host.docker.internal)
  --from ORIGINS     page origins, with commas, that your API should let read it (they need no
                     server: http://localhost:PORT or http://127.0.0.1:PORT); default: the lab's four,
                     reported either way
  --not-from ORIGINS page origins that your API should refuse (default: http://attacker.localhost:8080)
  --kinds K          simple, preflight and/or credentialed, with commas (default: simple)
  --method M         the preflighted request's method (default: PUT)
  --header H         a header of the preflighted request, "Name: value", again for more
                     (default: "Content-Type: application/json")
  --browser B        chromium (default: GRADER_BROWSER or chromium), firefox, webkit, or all;
                     Firefox and WebKit are in the engines image (npm run grade:engines)
  --third-party-cookies C
                     shipped (default: GRADER_THIRD_PARTY_COOKIES or shipped): as each engine
                     ships (Chromium sends them, as Chrome does; Firefox partitions them; WebKit
                     blocks them); or blocked: Chromium withholds them too, as in Incognito
  --local-network L  denied (default: GRADER_LOCAL_NETWORK or denied): a public website's page
                     may not reach local addresses, as for a user never asked (Chromium); or
                     granted: as for a user who allowed it
  --report-dir DIR   where the reports are written (default: GRADER_REPORT_DIR or ./reports):
                     origin-matrix.json, origin-matrix.junit.xml, summary.md and result.json
  --json             print the run (exit code, output, report files) as one JSON object instead
                     of writing the reports (npm run grade:class reads it)
  --help             show this text

Exit codes: 0 every pair as expected, 1 some pair not as expected, 2 bad usage or configuration,
3 the lab is not reachable, 4 the browser could not run, 5 the grader itself failed.`;

/** The PEM certificates in the file a variable names; undefined when it names none. */
function readCertificates(env: Env, name: string): string | undefined {
  const file = readString(env, name, "");
  if (file === "") return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      name,
      file,
      `a readable file of PEM certificates (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(name, file, "a file of PEM certificates (-----BEGIN CERTIFICATE-----)");
  }
  return text;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The grader's options, as node:util's parseArgs takes them; the warm grader takes some of them. */
export const GRADER_OPTIONS = {
  step: { type: "string" },
  all: { type: "boolean" },
  claims: { type: "boolean" },
  "in-browser": { type: "boolean" },
  api: { type: "string" },
  from: { type: "string" },
  "not-from": { type: "string" },
  kinds: { type: "string" },
  method: { type: "string" },
  header: { type: "string", multiple: true },
  expect: { type: "string" },
  browser: { type: "string" },
  "third-party-cookies": { type: "string" },
  "local-network": { type: "string" },
  "report-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Undefined means `--help` was asked for. */
export function readGraderConfig(argv: readonly string[], env: Env): GraderConfig | undefined {
  let values: {
    step?: string;
    all?: boolean;
    claims?: boolean;
    "in-browser"?: boolean;
    api?: string;
    from?: string;
    "not-from"?: string;
    kinds?: string;
    method?: string;
    header?: string[];
    expect?: string;
    browser?: string;
    "third-party-cookies"?: string;
    "local-network"?: string;
    "report-dir"?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: GRADER_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (values.step !== undefined && values.expect !== undefined) {
    throw new UsageError("--step and --expect both say what to expect: give one of them");
  }
  if (values.all && values.expect !== undefined) {
    throw new UsageError("--all checks the guide's steps, --expect a file of your own: give one of them");
  }
  if (
    values.api !== undefined &&
    (values.step !== undefined || values.all || values.expect !== undefined || values.claims)
  ) {
    throw new UsageError(
      "--api checks your own API, not the lab: give it without --step, --all, --expect or --claims",
    );
  }
  const apiOnly = (["from", "not-from", "kinds", "method", "header"] as const).find(
    (flag) => values[flag] !== undefined && values.api === undefined,
  );
  if (apiOnly !== undefined) throw new UsageError(`--${apiOnly} goes with --api URL`);
  if (values["in-browser"] && values.step === undefined && !values.all) {
    throw new UsageError(
      "--in-browser checks the guide's steps as their pages do: give it --step N or --all",
    );
  }
  if (values.claims && (values.step !== undefined || values.all || values.expect !== undefined)) {
    throw new UsageError("--claims measures the guide's claims, not a step: give it alone");
  }
  if (values.step !== undefined && !/^[1-9]\d{0,2}$/.test(values.step)) {
    throw new UsageError(`--step takes a step number such as 3, not ${JSON.stringify(values.step)}`);
  }
  const origins = readLabOrigins(env);
  const fromGuide = values.step !== undefined || values.all === true;
  const expectFile = fromGuide ? "" : (values.expect ?? readString(env, "GRADER_EXPECT", ""));
  const reportDir = values["report-dir"] ?? readString(env, "GRADER_REPORT_DIR", DEFAULTS.REPORTS_DIR);
  return {
    origins,
    expectFile: expectFile === "" ? undefined : expectFile,
    step: values.step === undefined ? undefined : Number(values.step),
    all: values.all === true,
    claims: values.claims === true,
    inBrowser: values["in-browser"] === true,
    api: values.api === undefined ? undefined : readApiCheck({ ...values, api: values.api }, env, origins),
    labDir: readString(env, "LAB_DIR", DEFAULT_LAB_DIR),
    reportDir,
    reportDirShown: values["report-dir"] ?? readString(env, "REPORTS_DIR", reportDir),
    browsers: readBrowsers(values.browser, env),
    thirdPartyCookies: readChoice(
      "--third-party-cookies",
      values["third-party-cookies"],
      env,
      "GRADER_THIRD_PARTY_COOKIES",
      THIRD_PARTY_COOKIES,
    ),
    localNetwork: readChoice(
      "--local-network",
      values["local-network"],
      env,
      "GRADER_LOCAL_NETWORK",
      LOCAL_NETWORK,
    ),
    executables: {
      chromium: readString(env, "CHROMIUM_PATH", DEFAULTS.CHROMIUM_PATH),
      firefox: readString(env, "FIREFOX_PATH", DEFAULTS.FIREFOX_PATH),
      webkit: readString(env, "MINIBROWSER_PATH", DEFAULTS.MINIBROWSER_PATH),
    },
    timeoutMs: readInteger(env, "GRADER_TIMEOUT_MS", DEFAULTS.GRADER_TIMEOUT_MS, 1000, 300_000),
    hostResolverRules: readString(env, "GRADER_HOST_RESOLVER_RULES", DEFAULTS.GRADER_HOST_RESOLVER_RULES),
    trustedCertificates: readCertificates(env, "GRADER_TRUSTED_CA_FILE"),
    identity: readSubmissionIdentity(env),
    servicePort: readInteger(env, "GRADER_SERVICE_PORT", DEFAULTS.GRADER_SERVICE_PORT, 0, 65535),
  };
}

/** A flag with a few values, else its variable, else the variable's default; a bad value names its source. */
function readChoice<T extends string>(
  flag: string,
  given: string | undefined,
  env: Env,
  variable: "GRADER_THIRD_PARTY_COOKIES" | "GRADER_LOCAL_NETWORK",
  choices: readonly T[],
): T {
  const value = (given ?? readString(env, variable, DEFAULTS[variable])).trim().toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  const words = choices.join(" or ");
  if (given !== undefined) throw new UsageError(`${flag} takes ${words}, not ${JSON.stringify(given)}`);
  throw new ConfigError(variable, value, words);
}

const BROWSER_CHOICES = `${ENGINES.join(", ")} or all`;

/** The engines of `--browser`, else of GRADER_BROWSER: one engine's name, or `all`. */
function readBrowsers(flag: string | undefined, env: Env): readonly EngineName[] {
  const value = (flag ?? readString(env, "GRADER_BROWSER", DEFAULTS.GRADER_BROWSER)).trim().toLowerCase();
  if (value === "all") return ENGINES;
  if ((ENGINES as readonly string[]).includes(value)) return [value as EngineName];
  if (flag !== undefined)
    throw new UsageError(`--browser takes ${BROWSER_CHOICES}, not ${JSON.stringify(flag)}`);
  throw new ConfigError("GRADER_BROWSER", value, BROWSER_CHOICES);
}
