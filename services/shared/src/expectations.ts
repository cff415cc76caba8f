// What a lab step expects of every (page origin, target origin) pair. A step supplies a JSON file:
//   { "title": "...",
//     "default": { "same-origin": "allowed", "cross-origin": "blocked" },
//     "pairs": [ { "page": "app", "target": "api", "expect": "blocked", "reason": "MissingAllowOriginHeader" } ] }
// Pages and targets are roles (localhost, loopback, app, api; attacker, lookalike, sandboxed), so
// that one file holds for every origin set (issue #9); an origin such as "http://app.local:8080"
// is taken too. `default` covers every pair not listed; `reason` (a Chromium CORS error code) is
// optional. `"pages": ["attacker", "lookalike", "sandboxed"]` adds page origins that are not the
// lab's (step 10's attackers): their pages fetch every lab origin too, and every such pair is
// cross-origin. The sandboxed page's origin is `null`: its requests say `Origin: null`.
// Step 11 (issue #23) adds `"localNetworkAccess": { "enforcedBy": ["chromium"] }`: the engines that
// block a public website's page (the `public` role) from the lab's local addresses, as measured.
// In those engines, with the permission not granted and the lab on local addresses, every pair from
// the public page is expected blocked by Local Network Access instead of what the file says.
// Step 10 (issue #12) asks for the victim's data: `"path": "/me"`, `"signedIn": "app"` or a list of
// roles (the grader signs the browser in as the victim at each first; issue #20), and `"secret":
// "read"`, `"not read"` or `"any"` on a pair or in `default`: whether the page ends up with the
// victim's secret on screen (`any`: either, as the browser's cookie rules decide).
import { CONSOLE, type ConsolePath, type RequestKind } from "./console-contract.ts";
import { isCorsRule, MDN_NAMES } from "./cors-rules.ts";
import { ENGINES, type EngineName, type LocalNetwork } from "./engine-names.ts";
import { parseOrigin } from "./env.ts";
import { readJsonFile } from "./json-file.ts";
import {
  LAB_ROLES,
  type LabOrigins,
  OPAQUE_ORIGIN,
  originOf,
  PAGE_ROLES,
  type PageRole,
  readLabOrigins,
  withOrigins,
} from "./lab-origins.ts";

/**
 * `any`: allowed or blocked by CORS both pass (a step that does not care yet); other blocks still
 * fail. `local-network` is never written in a file: it comes from `localNetworkAccess` (issue #23).
 */
export type Verdict = "allowed" | "blocked" | "any" | "local-network";

export interface PairExpectation {
  readonly expect: Verdict;
  /** When set, a block counts only if Chromium gives this CORS error code. */
  readonly reason?: string;
  /** When set on an allowed pair, the page must also be able to read the answer's X-Request-Id. */
  readonly readsRequestId?: true;
  /** Whether the page must, or must not, end up reading the victim's secret. */
  readonly secret?: SecretVerdict;
}

export type SecretVerdict = "read" | "not read" | "any";

export interface Expectations {
  readonly title: string;
  readonly request: RequestKind;
  /** Allowed pairs must also let the page read X-Request-Id (Access-Control-Expose-Headers). */
  readonly readsRequestId: boolean;
  readonly sameOrigin: Verdict;
  readonly crossOrigin: Verdict;
  /** Page origins besides the lab's, whose pages fetch the lab origins too; `null` is a sandboxed page. */
  readonly pages: readonly string[];
  /** Keyed by `page -> target`. */
  readonly pairs: ReadonlyMap<string, PairExpectation>;
  /** What the console fetches from each target. */
  readonly path: ConsolePath;
  /** The origins where the browser signs in as the victim, in turn, before any page loads. */
  readonly signedIn: readonly string[];
  /** The secret verdict of every pair that does not set its own. */
  readonly secret: SecretVerdict | undefined;
  /** The engines that enforce Local Network Access on the public page, as measured (issue #23). */
  readonly localNetworkAccess: { readonly enforcedBy: readonly EngineName[] } | undefined;
}

/** What a run's expectations may depend on besides the file: its engine and user settings. */
export interface RunCircumstances {
  readonly engine: EngineName;
  readonly localNetwork: LocalNetwork;
  /** The public page's origin (the `public` role). */
  readonly publicOrigin: string;
  /** Whether the lab's origins are local addresses (not behind a cloud workspace's forwarder). */
  readonly localTargets: boolean;
}

export const DEFAULT_EXPECTATIONS: Expectations = {
  title: "No CORS policy: every cross-origin read is blocked",
  request: "simple",
  readsRequestId: false,
  sameOrigin: "allowed",
  crossOrigin: "blocked",
  pages: [],
  pairs: new Map(),
  path: "/headers",
  signedIn: [],
  secret: undefined,
  localNetworkAccess: undefined,
};

export { OPAQUE_ORIGIN };

export class ExpectationsError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = "ExpectationsError";
  }
}

export const pairKey = (page: string, target: string): string => `${page} -> ${target}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readVerdict(source: string, where: string, value: unknown): Verdict {
  if (value === "allowed" || value === "blocked" || value === "any") return value;
  throw new ExpectationsError(
    source,
    `${where} must be "allowed", "blocked" or "any", not ${JSON.stringify(value)}`,
  );
}

function readSecret(source: string, where: string, value: unknown): SecretVerdict | undefined {
  if (value === undefined || value === "read" || value === "not read" || value === "any") return value;
  throw new ExpectationsError(
    source,
    `${where} must be "read", "not read" or "any", not ${JSON.stringify(value)}`,
  );
}

function readFlag(source: string, name: string, value: unknown): boolean {
  if (value === undefined || typeof value === "boolean") return value ?? false;
  throw new ExpectationsError(source, `"${name}" must be true or false, not ${JSON.stringify(value)}`);
}

/** A page or target: a role, resolved to its origin in the lab's origin set, or an origin as it is. */
function readPairOrigin(
  source: string,
  where: string,
  value: unknown,
  origins: LabOrigins,
  opaque = false,
): string {
  const roles: readonly string[] = opaque ? PAGE_ROLES : LAB_ROLES;
  if (typeof value === "string" && roles.includes(value)) return originOf(origins, value as PageRole);
  if (opaque && value === OPAQUE_ORIGIN) return OPAQUE_ORIGIN;
  const origin = typeof value === "string" ? parseOrigin(value) : undefined;
  if (origin === undefined) {
    const or = opaque ? ` or "${OPAQUE_ORIGIN}"` : "";
    throw new ExpectationsError(
      source,
      `${where} must be an origin such as "http://app.local:8080"${or}, or a role (${roles.join(", ")}), not ${JSON.stringify(value)}`,
    );
  }
  return origin;
}

function readPath(source: string, value: unknown): ConsolePath {
  if (value === undefined) return DEFAULT_EXPECTATIONS.path;
  if ((CONSOLE.paths as readonly unknown[]).includes(value)) return value as ConsolePath;
  throw new ExpectationsError(
    source,
    `"path" must be one of ${CONSOLE.paths.join(", ")}, not ${JSON.stringify(value)}`,
  );
}

/** `"localNetworkAccess"`: `{ "enforcedBy": [engines] }`. */
function readLocalNetworkAccess(source: string, value: unknown): Expectations["localNetworkAccess"] {
  if (value === undefined) return undefined;
  const enforcedBy = isRecord(value) ? value.enforcedBy : undefined;
  if (
    !Array.isArray(enforcedBy) ||
    !enforcedBy.every((engine) => (ENGINES as readonly unknown[]).includes(engine))
  ) {
    throw new ExpectationsError(
      source,
      `"localNetworkAccess" must be { "enforcedBy": [...] }, a list of ${ENGINES.join(", ")}`,
    );
  }
  return { enforcedBy: enforcedBy as EngineName[] };
}

/** `"signedIn"`: one origin or role, or a list of them. */
function readSignedIn(source: string, value: unknown, origins: LabOrigins): string[] {
  if (value === undefined) return [];
  const listed = Array.isArray(value) ? value : [value];
  const signedIn = listed.map((entry: unknown, index) =>
    readPairOrigin(source, Array.isArray(value) ? `"signedIn"[${index}]` : `"signedIn"`, entry, origins),
  );
  const repeated = signedIn.find((origin, index) => signedIn.indexOf(origin) !== index);
  if (repeated !== undefined) throw new ExpectationsError(source, `"signedIn" lists ${repeated} twice`);
  return signedIn;
}

function readPages(source: string, value: unknown, origins: LabOrigins): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ExpectationsError(source, `"pages" must be an array of origins or roles`);
  const pages = value.map((entry: unknown, index) =>
    readPairOrigin(source, `pages[${index}]`, entry, origins, true),
  );
  const repeated = pages.find((page, index) => pages.indexOf(page) !== index);
  if (repeated !== undefined) throw new ExpectationsError(source, `"pages" lists ${repeated} twice`);
  return pages;
}

/**
 * Validates parsed JSON, naming `source` in every error, with roles resolved in `origins` (the
 * default origin set unless given).
 */
export function parseExpectations(
  source: string,
  data: unknown,
  origins: LabOrigins = readLabOrigins({}),
): Expectations {
  if (!isRecord(data)) throw new ExpectationsError(source, "the file must hold a JSON object");
  const defaults = data.default ?? {};
  if (!isRecord(defaults)) throw new ExpectationsError(source, `"default" must be an object`);
  const pairsValue = data.pairs ?? [];
  if (!Array.isArray(pairsValue)) throw new ExpectationsError(source, `"pairs" must be an array`);

  const pairs = new Map<string, PairExpectation>();
  pairsValue.forEach((entry: unknown, index) => {
    const where = `pairs[${index}]`;
    if (!isRecord(entry)) throw new ExpectationsError(source, `${where} must be an object`);
    const page = readPairOrigin(source, `${where}.page`, entry.page, origins, true);
    const target = readPairOrigin(source, `${where}.target`, entry.target, origins);
    const expect = readVerdict(source, `${where}.expect`, entry.expect);
    if (entry.reason !== undefined && (typeof entry.reason !== "string" || expect !== "blocked")) {
      throw new ExpectationsError(source, `${where}.reason must be a string, and only on a "blocked" pair`);
    }
    const key = pairKey(page, target);
    if (pairs.has(key)) throw new ExpectationsError(source, `${where} repeats the pair ${key}`);
    const secret = readSecret(source, `${where}.secret`, entry.secret);
    pairs.set(key, {
      expect,
      ...(entry.reason === undefined ? {} : { reason: entry.reason as string }),
      ...(secret === undefined ? {} : { secret }),
    });
  });

  const request = data.request ?? DEFAULT_EXPECTATIONS.request;
  if (typeof request !== "string" || !(CONSOLE.kinds as readonly string[]).includes(request)) {
    throw new ExpectationsError(
      source,
      `"request" must be "simple", "preflight" or "credentialed", not ${JSON.stringify(request)}`,
    );
  }
  return {
    title:
      typeof data.title === "string" && data.title.trim()
        ? withOrigins(data.title.trim(), origins)
        : DEFAULT_EXPECTATIONS.title,
    request: request as RequestKind,
    readsRequestId: readFlag(source, "readsRequestId", data.readsRequestId),
    sameOrigin: readVerdict(
      source,
      `default["same-origin"]`,
      defaults["same-origin"] ?? DEFAULT_EXPECTATIONS.sameOrigin,
    ),
    crossOrigin: readVerdict(
      source,
      `default["cross-origin"]`,
      defaults["cross-origin"] ?? DEFAULT_EXPECTATIONS.crossOrigin,
    ),
    pages: readPages(source, data.pages, origins),
    pairs,
    path: readPath(source, data.path),
    signedIn: readSignedIn(source, data.signedIn, origins),
    localNetworkAccess: readLocalNetworkAccess(source, data.localNetworkAccess),
    secret: readSecret(source, `default.secret`, defaults.secret),
  };
}

export async function loadExpectations(path: string, origins?: LabOrigins): Promise<Expectations> {
  const data = await readJsonFile(path, (problem) => new ExpectationsError(path, problem));
  return parseExpectations(path, data, origins);
}

export function expectationFor(
  expectations: Expectations,
  page: string,
  target: string,
  run?: RunCircumstances,
): PairExpectation {
  if (
    run !== undefined &&
    page === run.publicOrigin &&
    run.localTargets &&
    run.localNetwork === "denied" &&
    expectations.localNetworkAccess?.enforcedBy.includes(run.engine)
  ) {
    return { expect: "local-network" };
  }
  const listed = expectations.pairs.get(pairKey(page, target)) ?? {
    expect: page === target ? expectations.sameOrigin : expectations.crossOrigin,
  };
  const pair =
    listed.secret === undefined && expectations.secret !== undefined
      ? { ...listed, secret: expectations.secret }
      : listed;
  return expectations.readsRequestId && pair.expect === "allowed" ? { ...pair, readsRequestId: true } : pair;
}

/** A pair judged: what was expected of it, what it got, and whether that passes. */
export interface JudgedPair {
  readonly page: string;
  readonly target: string;
  readonly expected: PairExpectation;
  readonly got: JudgedOutcome;
  readonly pass: boolean;
}

/**
 * What a pair got, as far as judging it goes: the grader's outcome, or the one a student's own
 * browser reports (issue #24). A block's cause is `cors` when the CORS check refused the answer.
 */
export type JudgedOutcome =
  | {
      readonly result: "allowed";
      readonly status?: number;
      readonly secretRead?: true;
      readonly requestId?: string | null;
    }
  | { readonly result: "blocked"; readonly cause: string; readonly reason: string; readonly rule?: string };

/** A pair passes when it was allowed as expected, or blocked *by CORS* (with the expected reason, if any). */
export function judge(expected: PairExpectation, got: JudgedOutcome): boolean {
  // Either verdict may pass, but never a block for a reason that is not CORS.
  const secretRead = got.result === "allowed" && got.secretRead;
  if (expected.secret === "read" && !secretRead) return false;
  if (expected.secret === "not read" && secretRead) return false;
  if (expected.expect === "any") return got.result === "allowed" || got.cause === "cors";
  if (expected.expect === "local-network") return got.result === "blocked" && got.cause === "local-network";
  if (expected.expect === "allowed") {
    return (
      got.result === "allowed" &&
      (expected.readsRequestId !== true || (got.requestId !== null && got.requestId !== undefined))
    );
  }
  if (got.result !== "blocked" || got.cause !== "cors") return false;
  return expected.reason === undefined || sameRule(expected.reason, got);
}

/**
 * Whether a CORS block is for the rule an expectation names by Chromium's code: Chromium's own code
 * is compared as it is; another engine's by the MDN name of its rule (issue #14).
 */
function sameRule(expected: string, got: { readonly reason: string; readonly rule?: string }): boolean {
  if (got.reason === expected) return true;
  if (isCorsRule(got.reason) || !isCorsRule(expected)) return false;
  return got.rule !== undefined && got.rule === MDN_NAMES[expected];
}

/** The page origins of a run: the lab's own, then the step's extra ones (e.g. an attacker's). */
export function pageOrigins(origins: readonly string[], expectations: Expectations): string[] {
  return [...new Set([...origins, ...expectations.pages])];
}

/** Where a page origin's request console is: its home page, or for `null` the sandboxed one. */
export function consoleUrl(page: string, origins: readonly string[]): string {
  return page === OPAQUE_ORIGIN ? `${origins[0]}/sandboxed` : `${page}/`;
}

/** What a pair was expected to do, and what it did, in the words of every report. */
export const describeExpected = (expected: PairExpectation) =>
  (expected.expect === "blocked"
    ? `blocked (CORS${expected.reason ? `: ${expected.reason}` : ""})`
    : expected.expect === "local-network"
      ? "blocked (Local Network Access)"
      : `${expected.expect}${expected.readsRequestId ? ", X-Request-Id readable" : ""}`) +
  (expected.secret === "read" ? ", secret read" : "");

export const describeGot = (got: JudgedOutcome) => {
  if (got.result === "allowed") {
    const secret = got.secretRead ? ", the victim's secret read" : "";
    return `allowed (${got.status ?? "?"})${got.requestId === null ? ", X-Request-Id hidden" : ""}${secret}`;
  }
  if (got.cause === "policy") return "your policy failed";
  if (got.cause === "forwarder") return "not the lab's answer";
  if (got.cause === "local-network") return "blocked (Local Network Access)";
  return got.cause === "cors" ? "blocked (CORS)" : "blocked (not CORS)";
};
