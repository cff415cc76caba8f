import {
  consoleUrl,
  type Expectations,
  ExpectationsError,
  expectationFor,
  judge,
  pageOrigins,
  type RunCircumstances,
} from "../../shared/src/expectations.ts";
import type { PageKeeper } from "./browser-probe.ts";
import type { PairResult, Summary } from "./report/report.ts";

/**
 * Every listed pair must start at one of the run's page origins and end at a lab origin, or it
 * would silently never be checked.
 */
export function checkPairsAgainstOrigins(
  source: string,
  expectations: Expectations,
  origins: readonly string[],
): void {
  const pages = new Set(pageOrigins(origins, expectations));
  const targets = new Set(origins);
  for (const key of expectations.pairs.keys()) {
    const [page, target] = key.split(" -> ") as [string, string];
    if (!pages.has(page)) {
      throw new ExpectationsError(
        source,
        `the pair ${key} starts at ${page}, which is neither a lab origin (${origins.join(", ")}) nor listed in "pages"`,
      );
    }
    if (!targets.has(target)) {
      throw new ExpectationsError(
        source,
        `the pair ${key} names ${target}, which is not a lab origin (${origins.join(", ")})`,
      );
    }
  }
}

/**
 * Runs every ordered pair of (page origin, lab origin); each page origin has a browser context of
 * its own (kept open for the run's other checks), all in parallel.
 */
export async function runMatrix(
  probe: PageKeeper,
  origins: readonly string[],
  expectations: Expectations,
  run: RunCircumstances,
): Promise<PairResult[]> {
  const pages = pageOrigins(origins, expectations);
  const use = { kind: expectations.request, path: expectations.path, signedInAt: expectations.signedIn };
  const byPage = await Promise.all(
    pages.map((page) => probe.probeFrom(consoleUrl(page, origins), origins, use)),
  );
  return pages.flatMap((page, i) =>
    origins.map((target) => {
      const expected = expectationFor(expectations, page, target, run);
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
    localNetwork: count((r) => r.got.result === "blocked" && r.got.cause === "local-network"),
    policyFailed: count((r) => r.got.result === "blocked" && r.got.cause === "policy"),
    notTheLab: count((r) => r.got.result === "blocked" && r.got.cause === "forwarder"),
  };
}

export { consoleUrl, judge, pageOrigins };
