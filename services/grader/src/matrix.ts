import type { BrowserProbe, Outcome } from "./browser-probe.ts";
import {
  type Expectations,
  ExpectationsError,
  expectationFor,
  type PairExpectation,
} from "./expectations.ts";

export interface PairResult {
  readonly page: string;
  readonly target: string;
  readonly expected: PairExpectation;
  readonly got: Outcome;
  readonly pass: boolean;
}

export interface Summary {
  readonly pairs: number;
  readonly passed: number;
  readonly failed: number;
  readonly allowed: number;
  readonly blockedCors: number;
  readonly blockedOther: number;
}

/** A pair passes when it was allowed as expected, or blocked *by CORS* (with the expected reason, if any). */
export function judge(expected: PairExpectation, got: Outcome): boolean {
  // Either verdict may pass, but never a block for a reason that is not CORS.
  if (expected.expect === "any") return got.result === "allowed" || got.cause === "cors";
  if (expected.expect === "allowed") {
    return got.result === "allowed" && (expected.readsRequestId !== true || got.requestId !== null);
  }
  if (got.result !== "blocked" || got.cause !== "cors") return false;
  return expected.reason === undefined || expected.reason === got.reason;
}

/** Every listed pair must name lab origins, or it would silently never be checked. */
export function checkPairsAgainstOrigins(
  source: string,
  expectations: Expectations,
  origins: readonly string[],
): void {
  const known = new Set(origins);
  for (const key of expectations.pairs.keys()) {
    const [page, target] = key.split(" -> ") as [string, string];
    const stranger = [page, target].find((origin) => !known.has(origin));
    if (stranger !== undefined) {
      throw new ExpectationsError(
        source,
        `the pair ${key} names ${stranger}, which is not a lab origin (${origins.join(", ")})`,
      );
    }
  }
}

/** Runs every ordered pair of origins; each page origin gets its own browser context, all in parallel. */
export async function runMatrix(
  probe: BrowserProbe,
  origins: readonly string[],
  expectations: Expectations,
): Promise<PairResult[]> {
  const byPage = await Promise.all(
    origins.map((page) => probe.probeFrom(page, origins, expectations.request)),
  );
  return origins.flatMap((page, i) =>
    origins.map((target) => {
      const expected = expectationFor(expectations, page, target);
      const got = byPage[i]?.get(target) ?? { result: "blocked", cause: "other", reason: "not probed" };
      return { page, target, expected, got, pass: judge(expected, got) };
    }),
  );
}

export function summarize(results: readonly PairResult[]): Summary {
  const count = (test: (result: PairResult) => boolean) => results.filter(test).length;
  return {
    pairs: results.length,
    passed: count((r) => r.pass),
    failed: count((r) => !r.pass),
    allowed: count((r) => r.got.result === "allowed"),
    blockedCors: count((r) => r.got.result === "blocked" && r.got.cause === "cors"),
    blockedOther: count((r) => r.got.result === "blocked" && r.got.cause === "other"),
  };
}
