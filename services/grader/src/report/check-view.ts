// One check's result as every report shows it (issue #21): the heading, the table's cells, the hints
// and the summary, in the command line's words. The terminal, the Markdown summary and the app's
// Check button all show this view, so they can never say different things.
import type { RequestKind } from "../../../shared/src/console-contract.ts";
import type { CheckView } from "../../../shared/src/warm-grader.ts";
import {
  browserOf,
  describeExpected,
  describeGot,
  type PairResult,
  type Report,
  type Summary,
} from "./report.ts";

const REQUESTS: Readonly<Record<RequestKind, string>> = {
  simple: "simple GET",
  preflight: "PUT with JSON and X-Lab-Token (preflighted)",
  credentialed: "GET with credentials",
};

/** What a check did: the browser, how many pages and targets, the request and where it was signed in. */
export function whatRan(report: Report): string {
  const { asked } = report;
  const of = asked.path === "/headers" ? "" : ` of ${asked.path}`;
  const signedIn =
    asked.signedIn.length > 0
      ? `, the browser signed in as the victim at ${asked.signedIn.join(" and ")}`
      : "";
  // The cookie story of step 10 depends on these (issue #20): say them whenever a victim signed in.
  const cookies =
    asked.signedIn.length === 0
      ? ""
      : report.thirdPartyCookies === "blocked"
        ? " (third-party cookies blocked)"
        : " (third-party cookies as the browser ships)";
  const refused =
    report.signInsRefused.length > 0
      ? `; the browser kept no session cookie at ${report.signInsRefused.join(" and ")}`
      : "";
  if (report.api !== undefined)
    return `${browserOf(report)}, ${report.pageCount} page origins, each a ${report.api.request} of ${report.api.url}`;
  return `${browserOf(report)}, ${report.pageCount} page origins x ${report.origins.length} lab origins, each pair a ${REQUESTS[report.request]}${of}${signedIn}${cookies}${refused}`;
}

export const COLUMNS = ["page origin", "target", "request", "expected", "got", "browser's reason"] as const;

/** Each pair's cells, in COLUMNS' order: the words of the table, wherever it is shown. */
export function cellsOf(r: PairResult, request: RequestKind): string[] {
  return [r.page, r.target, request, describeExpected(r.expected), describeGot(r.got), reasonOf(r)];
}

/** A block's reason as the engine gave it, and where its rule came from when not the engine alone. */
function reasonOf({ got }: PairResult): string {
  if (got.result !== "blocked") return "";
  return got.cause === "cors" && got.evidence ? `${got.reason} (from ${got.evidence})` : got.reason;
}

export function hintsOf(pairs: Report["pairs"]): string[] {
  return pairs.flatMap(({ page, target, hint }) =>
    hint === undefined ? [] : [`${page} -> ${target}: ${hint}`],
  );
}

export function renderSummary(summary: Summary): string {
  const verdict =
    summary.failed === 0
      ? "every pair as expected"
      : `${summary.failed} pair(s) not as expected (marked MISMATCH)`;
  return (
    `${summary.pairs} pairs: ${summary.allowed} allowed, ${summary.blockedCors} blocked by CORS, ` +
    `${summary.blockedOther} blocked for another reason` +
    `${summary.localNetwork > 0 ? `, ${summary.localNetwork} by Local Network Access` : ""}` +
    `${summary.policyFailed > 0 ? `, ${summary.policyFailed} failed in your policy` : ""}` +
    `${summary.notTheLab > 0 ? `, ${summary.notTheLab} answered by something other than the lab` : ""}; ${verdict}.`
  );
}

/** A check's result in the command line's words, for a page to show (the app's Check button). */
export function checkView(report: Report): CheckView {
  return {
    title: report.title,
    step: report.step ?? null,
    heading: whatRan(report),
    columns: COLUMNS,
    rows: report.pairs.map((pair) => ({ cells: cellsOf(pair, report.request), pass: pair.pass })),
    hints: hintsOf(report.pairs),
    summary: renderSummary(report.summary),
    passed: report.summary.failed === 0,
  };
}
