// What a block was, the heart of the grader (issue #21): from the engine's words, who answered the
// request when the grader asked it itself, and the app's own record of the console's request. A pure
// function of that evidence: a block counts as CORS only when the lab gave the answer the browser
// judged, whatever the engine said; the record names the failed rule where the engine's words do
// not (issue #14), for every page, the sandboxed one included (issue #22).
import type { Explanation } from "../../shared/src/console-contract.ts";
import type { EngineName } from "./engines/engine.ts";
import { LOCAL_NETWORK_CODES, type Reading, readReason } from "./engines/reasons.ts";
import type { Answered } from "./lab-client.ts";
import type { Outcome } from "./report/report.ts";

export interface BlockEvidence {
  readonly engine: EngineName;
  /** The request's URL, for the words of an outcome that is not CORS. */
  readonly url: string;
  /** The engine's code or words for the block; undefined when it gave none. */
  readonly said: string | undefined;
  /** What answered the same request when the grader sent it itself. */
  readonly answered: Answered;
  /** The app's record of the console's request; undefined when it could not be had. */
  readonly record: Explanation | undefined;
  /** The rule the page's console named (from the same record, on a page that could read it). */
  readonly explained: string | undefined;
  /** What the page's console said of the block, in its words. */
  readonly shown?: string;
}

/** Chromium's CORS error codes for Local Network Access, in plain words. */
const LOCAL_NETWORK_WORDS: Readonly<Record<string, string>> = {
  LocalNetworkAccessPermissionDenied:
    "a public website's page may not reach a local address without the user's permission, so the browser stopped",
  InsecureLocalNetwork:
    "a page that is not a secure context may not reach a local address at all, so the browser stopped",
  InvalidLocalNetworkAccess:
    "the address space the request named did not match the target's, so the browser stopped",
};

/**
 * A CORS block as the engine's words read: its code, its rule, its words, and where the rule came
 * from when the words alone did not tell (the lab's record, or a student's API's own answer).
 */
export function corsBlock(
  reading: Extract<Reading, { kind: "cors" }>,
  from: "the lab's record" | "the server's answer",
  explained: string | undefined,
): Outcome {
  return {
    result: "blocked",
    cause: "cors",
    reason: reading.code,
    ...(reading.rule ? { rule: reading.rule } : {}),
    ...(reading.said ? { said: reading.said } : {}),
    ...(reading.fromRecord ? { evidence: from } : {}),
    ...(explained ? { explained } : {}),
  };
}

/** What answered a lab address in the lab's place, in plain words. */
export function answeredInstead(url: string, status: number, location: string | undefined): string {
  const to = location ? ` to ${location.split("?")[0]}` : "";
  return `${url} was answered ${status}${to} by something other than the lab`;
}

export function classifyBlock(evidence: BlockEvidence): Outcome {
  const { answered, record, url } = evidence;
  if ("error" in answered) {
    return {
      result: "blocked",
      cause: "other",
      reason: `${url} did not answer (${answered.error}): the request never reached the lab`,
    };
  }
  if (!answered.fromLab) {
    return {
      result: "blocked",
      cause: "forwarder",
      status: answered.status,
      reason: answeredInstead(url, answered.status, answered.location),
    };
  }
  if (record?.reached === true && "policyFailure" in record) {
    return { result: "blocked", cause: "policy", reason: record.policyFailure };
  }
  // Chromium's codes for a request stopped by Local Network Access (issue #23): the request never
  // left, so the lab has no record of it (DevTools protocol, Network.CorsError).
  if (evidence.said !== undefined && LOCAL_NETWORK_CODES.has(evidence.said) && record?.reached !== true) {
    return {
      result: "blocked",
      cause: "local-network",
      reason: `${LOCAL_NETWORK_WORDS[evidence.said] ?? "Local Network Access stopped"} ${url} (${evidence.said}); it never reached the lab`,
    };
  }
  if (record?.reached === false) {
    // The lab answers the grader, yet has no record of the page's request: the browser stopped it
    // before it left (Local Network Access, an extension, a page's own rules), not the CORS check.
    return {
      result: "blocked",
      cause: "other",
      reason: `the browser blocked ${url} before it reached the lab${evidence.said ? ` (${evidence.said})` : ""}`,
    };
  }
  const recordedRule = record?.reached === true && "rule" in record ? (record.rule ?? undefined) : undefined;
  const reading = readReason(evidence.engine, evidence.said, recordedRule ?? evidence.explained);
  if (reading.kind === "cors") return corsBlock(reading, "the lab's record", evidence.explained);
  return {
    result: "blocked",
    cause: "other",
    reason:
      reading.kind === "not-cors"
        ? reading.said
        : `blocked without a reason${evidence.shown ? `; the page said: ${evidence.shown}` : ""}`,
  };
}
