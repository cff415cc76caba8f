// Drives Debian's Chromium through playwright-core: loads a page origin's `/`, uses its request
// console to fetch a target's `/headers`, and asks DevTools (Audits domain) why a block happened.
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Page,
  type Response,
} from "playwright-core";
import { CONSOLE, type ConsolePath, type RequestKind } from "../../shared/src/console-contract.ts";
import { LAB_SERVER } from "../../shared/src/http-server.ts";
import { type ConsoleOutcome, signInAsTheVictim, useRequestConsole } from "./in-page/use-console.ts";
import type { LabClient } from "./lab-client.ts";

export type Outcome =
  | {
      readonly result: "allowed";
      readonly status: number;
      /** The answer's X-Request-Id as the page could read it; null when the browser hid it. */
      readonly requestId: string | null;
      /** True when the answer the page read held the victim's secret (step 10, /me). */
      readonly secretRead?: true;
    }
  | {
      readonly result: "blocked";
      readonly cause: "cors";
      /** Chromium's CORS error code. */
      readonly reason: string;
      /** The rule the page's console named for the block, from the app's own record (issue #12). */
      readonly explained?: string;
    }
  | { readonly result: "blocked"; readonly cause: "other"; readonly reason: string }
  /** The student's policy failed on the request: not a CORS decision, whatever the browser did. */
  | { readonly result: "blocked"; readonly cause: "policy"; readonly reason: string }
  /**
   * Something other than the lab answered (a port forwarder's sign-in, say): not a CORS decision
   * about the lab, whatever the browser reported. `status` is that answer's.
   */
  | {
      readonly result: "blocked";
      readonly cause: "forwarder";
      readonly status: number;
      readonly reason: string;
    };

// Chromium reports Local Network Access refusals as CorsIssues too; they are not CORS decisions.
const NOT_CORS = new Set([
  "InsecureLocalNetwork",
  "InvalidLocalNetworkAccess",
  "LocalNetworkAccessPermissionDenied",
]);

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Docker's default /dev/shm is 64 MB, too small for Chromium's renderers.
  "--disable-dev-shm-usage",
];

export interface ProbeOptions {
  readonly executablePath: string;
  /** How long a page load or one request may take before it counts as a failure. */
  readonly timeoutMs: number;
  /**
   * Chromium's --host-resolver-rules, e.g. `MAP *.localhost proxy`: inside Compose the attacker
   * sites under .localhost are served by the proxy container, not by this container's loopback.
   */
  readonly hostResolverRules?: string;
  /** Public-key hashes of certificates to trust besides the system's (a test's port forwarder). */
  readonly trustedSpki?: readonly string[];
  /** The grader's own requests, for evidence of who answered a request the browser blocked. */
  readonly client: LabClient;
}

/** What a check asks of each page's console, and in which browser state. */
export interface ConsoleUse {
  readonly kind: RequestKind;
  readonly path: ConsolePath;
  /** Cookies of a browser signed in as the victim (BrowserProbe.signedIn), if the check wants one. */
  readonly signedIn?: SignedIn;
  /** The origin those cookies are for. */
  readonly signedInAt?: string;
}

export type SignedIn = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** How long to wait, after a blocked fetch, for Chromium's issue that names the reason. */
const ISSUE_GRACE_MS = 2000;

export class BrowserProbe {
  readonly #browser: Browser;
  readonly #timeoutMs: number;
  readonly #client: LabClient;

  private constructor(browser: Browser, options: ProbeOptions) {
    this.#browser = browser;
    this.#timeoutMs = options.timeoutMs;
    this.#client = options.client;
  }

  static async launch(options: ProbeOptions): Promise<BrowserProbe> {
    const args = [...CHROMIUM_FLAGS];
    if (options.hostResolverRules) args.push(`--host-resolver-rules=${options.hostResolverRules}`);
    // Honoured with a profile folder of its own, which Playwright always gives Chromium.
    if (options.trustedSpki?.length)
      args.push(`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(",")}`);
    const browser = await chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args,
      timeout: options.timeoutMs,
    });
    return new BrowserProbe(browser, options);
  }

  version(): string {
    return this.#browser.version();
  }

  /** False once Chromium has gone away (crashed, killed): a warm grader starts another. */
  get connected(): boolean {
    return this.#browser.isConnected();
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Signs a browser in as the victim at `origin`, as a student would (the page's button), and
   * returns its cookies, for every page of a check to start from.
   */
  async signedIn(origin: string): Promise<SignedIn> {
    const context = await this.#browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${origin}/`, { waitUntil: "load", timeout: this.#timeoutMs });
      await tab.evaluate(signInAsTheVictim);
      // The sign-in answers 303 back to the page, which then says the browser is signed in.
      await tab.locator("#signed-in").waitFor({ timeout: this.#timeoutMs });
      return await context.storageState();
    } finally {
      await context.close();
    }
  }

  /**
   * Pages kept open for the checks of one run, which all see the same policy (issue #11): each
   * page origin's console is loaded once in a context of its own, signed in or not, and every check
   * after the first uses it again, one check at a time per page. Closed at the end of the run, so
   * no preflight cache or cookie outlives it.
   */
  keepPagesOpen(): PageKeeper {
    const pages = new Map<string, Promise<OpenPage>>();
    const turns = new Map<string, Promise<unknown>>();
    const signIns = new Map<string, Promise<SignedIn>>();
    return {
      signedIn: (origin) => remembered(signIns, origin, () => this.signedIn(origin)),
      probeFrom: (pageUrl, targets, use) => {
        const key = `${pageUrl} ${use.signedInAt ?? ""}`;
        const open = remembered(pages, key, () => this.#open(pageUrl, use.signedIn));
        const turn = (turns.get(key) ?? Promise.resolve()).then(async () =>
          this.#probe(await open, targets, use),
        );
        turns.set(
          key,
          turn.catch(() => undefined),
        );
        return turn;
      },
      close: async () => {
        const open = await Promise.allSettled(pages.values());
        await Promise.all(
          open.map((page) => (page.status === "fulfilled" ? page.value.context.close() : undefined)),
        );
      },
    };
  }

  /** A page origin's console in a context of its own, watched for CORS issues and failed requests. */
  async #open(pageUrl: string, signedIn: SignedIn | undefined): Promise<OpenPage> {
    const context = await this.#browser.newContext(signedIn ? { storageState: signedIn } : {});
    try {
      const tab = await context.newPage();
      const issues = await watchCorsIssues(context, tab);
      const failures = new Map<string, string>();
      tab.on("requestfailed", (request) =>
        failures.set(runKey(request.url()), request.failure()?.errorText ?? "failed"),
      );
      return { context, tab, issues, failures, notLoaded: await this.#load(tab, pageUrl), runs: 0 };
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  /** Fetches each target from an open page's console, in turn. */
  async #probe(page: OpenPage, targets: readonly string[], use: ConsoleUse): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    for (const target of targets) {
      page.runs += 1;
      outcomes.set(target, page.notLoaded ?? (await this.#fetchFromConsole(page, target, use, page.runs)));
    }
    return outcomes;
  }

  /** Loads a page origin's console page; what every pair from it is when that page is not the lab's. */
  async #load(tab: Page, pageUrl: string): Promise<Outcome | undefined> {
    let response: Response | null;
    try {
      response = await tab.goto(pageUrl, { waitUntil: "load", timeout: this.#timeoutMs });
    } catch (error) {
      const reason = `the page ${pageUrl} did not load: ${firstLine(error)}`;
      return (await this.#notTheLab(pageUrl, "GET", {})) ?? { result: "blocked", cause: "other", reason };
    }
    // The first answer, before any redirect: a forwarder's sign-in answers the page with a 302.
    let request = response?.request();
    while (request?.redirectedFrom()) request = request.redirectedFrom() ?? undefined;
    const first = await request?.response();
    if (first && first.headers().server !== LAB_SERVER) {
      return {
        result: "blocked",
        cause: "forwarder",
        status: first.status(),
        reason: answeredInstead(pageUrl, first.status(), first.headers().location),
      };
    }
    return undefined;
  }

  /**
   * What answered `url` when not the lab, asked without the browser: evidence for a request the
   * browser blocked, whatever reason it gave. Undefined when the lab answered it.
   */
  async #notTheLab(
    url: string,
    method: string,
    headers: Record<string, string>,
  ): Promise<Outcome | undefined> {
    const answer = await this.#client.ask(url, method, headers);
    if ("error" in answer) {
      return {
        result: "blocked",
        cause: "other",
        reason: `${url} did not answer (${answer.error}): the request never reached the lab`,
      };
    }
    if (answer.fromLab) return undefined;
    return {
      result: "blocked",
      cause: "forwarder",
      status: answer.status,
      reason: answeredInstead(url, answer.status, answer.location),
    };
  }

  async #fetchFromConsole(
    { tab, issues, failures }: OpenPage,
    target: string,
    { kind, path }: ConsoleUse,
    run: number,
  ): Promise<Outcome> {
    const url = `${target}${path}`;
    const key = `${url} ${run}`;
    let shown: ConsoleOutcome;
    try {
      // The page's own console makes the request, as a student's click would (submitting its form),
      // and one round trip reports the outcome it shows; Playwright's click and select actions, with
      // their waits for a stable layout, cost more than the request itself.
      shown = await tab.evaluate(useRequestConsole, {
        contract: CONSOLE,
        target,
        path,
        kind,
        run,
        timeoutMs: this.#timeoutMs,
      });
      if (shown.state === CONSOLE.states.allowed) {
        return {
          result: "allowed",
          status: shown.status ?? 0,
          requestId: shown.requestId,
          ...(shown.secret === "read" ? { secretRead: true as const } : {}),
        };
      }
      if (shown.state === CONSOLE.states.policyFailed) {
        return { result: "blocked", cause: "policy", reason: shown.failure ?? "your policy failed" };
      }
    } catch (error) {
      return {
        result: "blocked",
        cause: "other",
        reason: `the request console did not answer: ${firstLine(error)}`,
      };
    }
    const error = await issues.next(key, ISSUE_GRACE_MS);
    // Whatever the browser says, a block counts as CORS only if the lab gave the answer it judged.
    const preflighted = kind === "preflight";
    const evidence = await this.#notTheLab(
      url,
      preflighted ? "OPTIONS" : "GET",
      preflighted ? { origin: new URL(tab.url()).origin, "access-control-request-method": "PUT" } : {},
    );
    if (evidence !== undefined) return evidence;
    if (error !== undefined && !NOT_CORS.has(error)) {
      return {
        result: "blocked",
        cause: "cors",
        reason: error,
        ...(shown.rule ? { explained: shown.rule } : {}),
      };
    }
    return {
      result: "blocked",
      cause: "other",
      reason: error ?? failures.get(key) ?? "blocked without a reason",
    };
  }
}

interface CorsIssues {
  /** The CORS error Chromium reported for a run's request (runKey), waiting up to `waitMs` for it. */
  next(key: string, waitMs: number): Promise<string | undefined>;
}

/** The value `map` holds for `key`, made and kept the first time it is asked for. */
function remembered<T>(map: Map<string, T>, key: string, make: () => T): T {
  if (!map.has(key)) map.set(key, make());
  return map.get(key) as T;
}

/** A page origin's console, loaded, and what it has seen so far. */
interface OpenPage {
  readonly context: BrowserContext;
  readonly tab: Page;
  readonly issues: CorsIssues;
  readonly failures: Map<string, string>;
  /** What every pair from this page is when it is not the lab's console; undefined when it is. */
  readonly notLoaded: Outcome | undefined;
  /** The console's runs so far: each request is marked with its run's number. */
  runs: number;
}

/** BrowserProbe's pages, kept open for the checks of one run. */
export interface PageKeeper {
  signedIn(origin: string): Promise<SignedIn>;
  probeFrom(pageUrl: string, targets: readonly string[], use: ConsoleUse): Promise<Map<string, Outcome>>;
  close(): Promise<void>;
}

async function watchCorsIssues(context: BrowserContext, tab: Page): Promise<CorsIssues> {
  const session: CDPSession = await context.newCDPSession(tab);
  const seen = new Map<string, string>();
  const waiting = new Map<string, (error: string) => void>();
  session.on("Audits.issueAdded", ({ issue }) => {
    const details = issue.details.corsIssueDetails;
    if (issue.code !== "CorsIssue" || details === undefined || details.isWarning) return;
    const key = runKey(details.request.url);
    const error = details.corsErrorStatus.corsError;
    if (!seen.has(key)) seen.set(key, error);
    waiting.get(key)?.(error);
  });
  await session.send("Audits.enable");
  return {
    next(key, waitMs) {
      const known = seen.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, waitMs);
        waiting.set(key, (error) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(error);
        });
      });
    },
  };
}

/**
 * A console request known by its URL without the query and its run's number: the console marks
 * each request `?console=PAGE.RUN`, and a page kept open for several checks fetches a URL many times.
 */
function runKey(url: string): string {
  const index = url.indexOf("?");
  if (index < 0) return url;
  const mark = new URLSearchParams(url.slice(index + 1)).get(CONSOLE.requestParam) ?? "";
  return `${url.slice(0, index)} ${mark.slice(mark.lastIndexOf(".") + 1)}`;
}

/** What answered a lab address in the lab's place, in plain words. */
function answeredInstead(url: string, status: number, location: string | undefined): string {
  const to = location ? ` to ${location.split("?")[0]}` : "";
  return `${url} was answered ${status}${to} by something other than the lab`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
