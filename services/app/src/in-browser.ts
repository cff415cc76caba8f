// "Check in this browser" (issue #24): the student's own browser runs a step's matrix, no grader
// needed. The step's page asks for the step's plan (which pages, which targets, which request), has
// its window make the requests from each page origin, and posts the outcomes here; the app reads
// each blocked request in its own record (as the grader does: was it answered, which rule its
// answer fails) and judges every pair by the step's expectations, as the grader would.
import { join } from "node:path";
import express, { type Request, type RequestHandler } from "express";
import { CONSOLE, type Explanation, type RequestKind } from "../../shared/src/console-contract.ts";
import { isCorsRule } from "../../shared/src/cors-rules.ts";
import type { EngineName } from "../../shared/src/engine-names.ts";
import {
  consoleUrl,
  describeExpected,
  describeGot,
  type Expectations,
  ExpectationsError,
  expectationFor,
  type JudgedOutcome,
  type JudgedPair,
  judge,
  loadExpectations,
  pageOrigins,
} from "../../shared/src/expectations.ts";
import { type LabStep, readManifest } from "../../shared/src/lab-manifest.ts";
import type { LabOrigins } from "../../shared/src/lab-origins.ts";
import type { CheckView } from "../../shared/src/warm-grader.ts";
import { refusedFromElsewhere } from "./check-button.ts";
import { explain } from "./explain.ts";
import type { RequestLog } from "./request-log.ts";

/** What a step's page needs to run the step in its browser. */
export interface InBrowserPlan {
  readonly step: number;
  readonly title: string;
  readonly request: RequestKind;
  readonly path: string;
  /** Where to sign in as the victim first, in turn. */
  readonly signedIn: readonly string[];
  /** Each page origin and where its console is (the sandboxed page's origin is `null`). */
  readonly pages: readonly { readonly origin: string; readonly url: string }[];
  readonly targets: readonly string[];
}

/** One pair's outcome, as the page's window reported it. */
interface Reported {
  readonly page: string;
  readonly target: string;
  /** The console's state, or `not-opened` when the page origin never loaded. */
  readonly state: string;
  readonly status?: number;
  readonly secret?: boolean;
  readonly mark?: string;
  /** The answer's X-Request-Id as the page could read it (null: hidden from it). */
  readonly requestId?: string | null;
  /** The app's record of the request, as the step's page asked for it right after it was made. */
  readonly record?: Explanation;
  /** Why the page did not open, in the step page's words. */
  readonly why?: string;
}

export type InBrowserPair = JudgedPair;

export interface InBrowserAnswer {
  readonly view: CheckView;
  readonly pairs: readonly InBrowserPair[];
}

const COLUMNS = ["page origin", "target", "request", "expected", "got", "the lab's record"] as const;
const REQUESTS: Readonly<Record<RequestKind, string>> = {
  simple: "simple GET",
  preflight: "PUT with JSON and X-Lab-Token (preflighted)",
  credentialed: "GET with credentials",
};

/** The engine a browser's User-Agent names, for the expectations that differ by engine. */
export function engineOf(userAgent: string): EngineName {
  if (/Firefox\//.test(userAgent)) return "firefox";
  if (/Chrom(e|ium)\/|Edg\//.test(userAgent)) return "chromium";
  return "webkit";
}

/** What a blocked pair was, from the lab's own record of the request (issue #12). */
function fromRecord(
  reported: Reported,
  kind: RequestKind,
  requests: RequestLog,
  publicOrigin: string,
): JudgedOutcome {
  if (reported.state === "not-opened")
    return {
      result: "blocked",
      cause: "other",
      reason: `the page did not open in this browser: ${reported.why ?? "no answer"}`,
    };
  if (reported.mark === undefined || !/^[a-z0-9.]{1,40}$/.test(reported.mark))
    return { result: "blocked", cause: "other", reason: "the console showed no outcome" };
  const record =
    reported.record ?? explain(requests.entries(), reported.mark, kind === "credentialed", reported.target);
  if (!record.reached) {
    return reported.page === publicOrigin
      ? {
          result: "blocked",
          cause: "local-network",
          reason: "it never reached the lab: Local Network Access, or the user's settings",
        }
      : {
          result: "blocked",
          cause: "other",
          reason: "it never reached the lab: an extension, a proxy, or a name that does not resolve",
        };
  }
  if ("policyFailure" in record) return { result: "blocked", cause: "policy", reason: record.policyFailure };
  if (record.rule === null)
    return {
      result: "blocked",
      cause: "other",
      reason: "the lab's answer passes the CORS check, yet this browser withheld it (an extension?)",
    };
  return { result: "blocked", cause: "cors", reason: record.rule };
}

function outcomeOf(
  reported: Reported,
  kind: RequestKind,
  requests: RequestLog,
  publicOrigin: string,
): JudgedOutcome {
  if (reported.state === CONSOLE.states.allowed) {
    return {
      result: "allowed",
      ...(reported.status === undefined ? {} : { status: reported.status }),
      ...(reported.requestId === undefined ? {} : { requestId: reported.requestId }),
      ...(reported.secret ? { secretRead: true as const } : {}),
    };
  }
  if (reported.state === CONSOLE.states.policyFailed)
    return { result: "blocked", cause: "policy", reason: "your policy failed on this request" };
  return fromRecord(reported, kind, requests, publicOrigin);
}

/** Plain words for a pair that is not as this step expects, for whoever's browser it is. */
function differs(pair: InBrowserPair, browser: string): string | undefined {
  if (pair.pass) return undefined;
  const { page, target, got, expected } = pair;
  const where = `${page} -> ${target}`;
  if (got.result === "allowed" && got.secretRead && expected.secret === "not read")
    return `${where}: this browser sent the victim's cookie and let the page read the secret; the step expects it kept from that page.`;
  if (got.result === "allowed")
    return `${where}: ${browser} let the page read it, where the grader's Chromium, with the step's policy, blocks it.`;
  if (got.cause === "cors")
    return `${where}: blocked by CORS (${got.reason}), where the step expects it allowed: see services/app/policy/cors-policy.ts.`;
  if (got.cause === "policy") return `${where}: your policy failed on it; fix the policy file and save it.`;
  return `${where}: blocked for a reason that is not CORS (${got.reason}), so this is not a verdict on your policy.`;
}

function summary(pairs: readonly InBrowserPair[]): string {
  const count = (test: (pair: InBrowserPair) => boolean) => pairs.filter(test).length;
  const failed = count((pair) => !pair.pass);
  return (
    `${pairs.length} pairs: ${count((pair) => pair.got.result === "allowed")} allowed, ` +
    `${count((pair) => pair.got.result === "blocked" && pair.got.cause === "cors")} blocked by CORS, ` +
    `${count((pair) => pair.got.result === "blocked" && pair.got.cause !== "cors")} blocked for another reason; ` +
    `${failed === 0 ? "every pair as expected" : `${failed} pair(s) not as expected (marked MISMATCH)`}.`
  );
}

/** The reported outcomes, read and judged: the table the step's page shows. */
export function judgeInBrowser(
  step: LabStep,
  expectations: Expectations,
  origins: LabOrigins,
  reported: readonly Reported[],
  browser: string,
  userAgent: string,
  requests: RequestLog,
): InBrowserAnswer {
  const run = {
    engine: engineOf(userAgent),
    localNetwork: "denied" as const,
    publicOrigin: origins.byRole.public,
    localTargets: origins.set !== "forwarded",
  };
  const pairs = reported.map((each): InBrowserPair => {
    const expected = expectationFor(expectations, each.page, each.target, run);
    const got = outcomeOf(each, expectations.request, requests, origins.byRole.public);
    return { page: each.page, target: each.target, expected, got, pass: judge(expected, got) };
  });
  const hints = pairs.flatMap((pair) => differs(pair, browser) ?? []);
  const pages = new Set(pairs.map((pair) => pair.page)).size;
  return {
    pairs,
    view: {
      title: `${expectations.title}, in this browser`,
      step: step.number,
      heading: `${browser}, ${pages} page origins x ${origins.lab.length} lab origins, each pair a ${REQUESTS[expectations.request]}`,
      columns: COLUMNS,
      rows: pairs.map((pair) => ({
        cells: [
          pair.page,
          pair.target,
          expectations.request,
          describeExpected(pair.expected),
          describeGot(pair.got),
          pair.got.result === "blocked" ? pair.got.reason : "",
        ],
        pass: pair.pass,
      })),
      hints,
      summary: summary(pairs),
      passed: pairs.length > 0 && pairs.every((pair) => pair.pass),
    },
  };
}

/** A record of the app's, as the page passed it on: only its known shapes. */
function readRecord(value: unknown): Explanation | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record.reached === false) return { reached: false };
  if (record.reached !== true) return undefined;
  if (typeof record.policyFailure === "string")
    return { reached: true, policyFailure: record.policyFailure.slice(0, 500) };
  const rule = record.rule;
  if (rule !== null && !(typeof rule === "string" && isCorsRule(rule))) return undefined;
  return {
    reached: true,
    rule,
    explanation: typeof record.explanation === "string" ? record.explanation.slice(0, 500) : "",
    status: typeof record.status === "number" ? record.status : 0,
  };
}

/** The reported outcomes, checked for their shape: what a page posts is not trusted. */
function readReported(body: unknown, plan: InBrowserPlan): Reported[] | undefined {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length > plan.pages.length * plan.targets.length) return undefined;
  const pages = new Set(plan.pages.map((page) => page.origin));
  const targets = new Set(plan.targets);
  const reported: Reported[] = [];
  for (const entry of results as Record<string, unknown>[]) {
    if (typeof entry !== "object" || entry === null) return undefined;
    const { page, target, state, status, secret, mark, why, requestId, record } = entry;
    const recorded = readRecord(record);
    if (typeof page !== "string" || !pages.has(page) || typeof target !== "string" || !targets.has(target))
      return undefined;
    if (typeof state !== "string" || state.length > 40) return undefined;
    reported.push({
      page,
      target,
      state,
      ...(typeof status === "number" && Number.isInteger(status) ? { status } : {}),
      ...(secret === true ? { secret: true } : {}),
      ...(typeof mark === "string" ? { mark: mark.slice(0, 40) } : {}),
      ...(requestId === null || typeof requestId === "string"
        ? { requestId: typeof requestId === "string" ? requestId.slice(0, 40) : null }
        : {}),
      ...(recorded ? { record: recorded } : {}),
      ...(typeof why === "string" ? { why: why.slice(0, 300) } : {}),
    });
  }
  return reported;
}

export interface InBrowserOptions {
  readonly labDir: string;
  readonly origins: LabOrigins;
  readonly requests: RequestLog;
  readonly servedFrom: (req: Request) => string;
}

export function inBrowserHandlers({ labDir, origins, requests, servedFrom }: InBrowserOptions): {
  plan: RequestHandler;
  judge: RequestHandler[];
} {
  /** The step of the request's path and its expectations; undefined (answered 404) when there is none. */
  const stepOf = async (req: Request, res: express.Response) => {
    const steps = await readManifest(labDir);
    const step = steps.find((each) => String(each.number) === req.params.step);
    if (step?.expectations === undefined) {
      res.status(404).type("text/plain").send(`There is no step ${req.params.step} to check: see /lab\n`);
      return undefined;
    }
    try {
      const expectations = await loadExpectations(join(labDir, step.folder, step.expectations), origins);
      const pages = pageOrigins(origins.lab, expectations).map((origin) => ({
        origin,
        url: consoleUrl(origin, origins.lab),
      }));
      const plan: InBrowserPlan = {
        step: step.number,
        title: expectations.title,
        request: expectations.request,
        path: expectations.path,
        signedIn: expectations.signedIn,
        pages,
        targets: origins.lab,
      };
      return { step, expectations, plan };
    } catch (error) {
      if (!(error instanceof ExpectationsError)) throw error;
      res.status(500).type("text/plain").send(`The step's expectations cannot be read: ${error.message}\n`);
      return undefined;
    }
  };

  return {
    plan: async (req, res) => {
      const found = await stepOf(req, res);
      if (found) res.set("Cache-Control", "no-store").json(found.plan);
    },
    judge: [
      express.json({ limit: "64kb" }),
      async (req, res) => {
        if (refusedFromElsewhere(req, res, servedFrom(req), "A step is checked only from its own page."))
          return;
        const found = await stepOf(req, res);
        if (!found) return;
        const reported = readReported(req.body, found.plan);
        if (reported === undefined) {
          res
            .status(400)
            .type("text/plain")
            .send("Not a check's outcomes: each must name a page and a target of the step.\n");
          return;
        }
        const body = req.body as { browser?: unknown; userAgent?: unknown };
        const browser = typeof body.browser === "string" ? body.browser.slice(0, 100) : "this browser";
        const userAgent = typeof body.userAgent === "string" ? body.userAgent.slice(0, 400) : "";
        res
          .set("Cache-Control", "no-store")
          .json(
            judgeInBrowser(found.step, found.expectations, origins, reported, browser, userAgent, requests),
          );
      },
    ],
  };
}
