// What the grader prints: a heading per check, the table of pairs and the hints where a check needs
// work, its summary, and with several checks the score.
import type { RequestKind } from "../../shared/src/console-contract.ts";
import type { CheckView } from "../../shared/src/warm-grader.ts";
import { ENGINE_TITLES } from "./engines/engine.ts";
import type { PairResult, Summary } from "./matrix.ts";
import { browserOf, describeExpected, describeGot, type Report } from "./report.ts";

const REQUESTS: Readonly<Record<RequestKind, string>> = {
  simple: "simple GET",
  preflight: "PUT with JSON and X-Lab-Token (preflighted)",
  credentialed: "GET with credentials",
};

/** What a check did: the browser, how many pages and targets, the request and where it was signed in. */
function whatRan(report: Report): string {
  const { asked } = report;
  const of = asked.path === "/headers" ? "" : ` of ${asked.path}`;
  const signedIn = asked.signedIn ? `, the browser signed in as the victim at ${asked.signedIn}` : "";
  return `${browserOf(report)}, ${report.pageCount} page origins x ${report.origins.length} lab origins, each pair a ${REQUESTS[report.request]}${of}${signedIn}`;
}

const COLUMNS = ["page origin", "target", "request", "expected", "got", "browser's reason"] as const;

/** Each pair's cells, in COLUMNS' order: the words of the table, wherever it is shown. */
function cellsOf(r: PairResult, request: RequestKind): string[] {
  return [r.page, r.target, request, describeExpected(r.expected), describeGot(r.got), reasonOf(r)];
}

/** A block's reason as the engine gave it, and where its rule came from when not the engine alone. */
function reasonOf({ got }: PairResult): string {
  if (got.result !== "blocked") return "";
  return got.cause === "cors" && got.evidence ? `${got.reason} (from ${got.evidence})` : got.reason;
}

/**
 * A plain-text table, one row per pair, padded to line up in a terminal; with several engines, each
 * engine's rows, and a column that says which.
 */
export function renderTable(reports: readonly Report[]): string {
  const engines = reports.length > 1;
  const header = [...(engines ? ["engine"] : []), ...COLUMNS, ""];
  const rows = reports.flatMap((report) =>
    report.pairs.map((r) => [
      ...(engines ? [ENGINE_TITLES[report.engine]] : []),
      ...cellsOf(r, report.request),
      r.pass ? "ok" : "MISMATCH",
    ]),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** The hints of the pairs that are not as expected, in plain words; empty when every pair passed. */
function renderHints(hints: readonly string[]): string {
  return hints.length === 0 ? "" : `What to look at:\n${hints.map((hint) => `- ${hint}`).join("\n")}\n\n`;
}

function hintsOf(pairs: Report["pairs"]): string[] {
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
    `${summary.policyFailed > 0 ? `, ${summary.policyFailed} failed in your policy` : ""}` +
    `${summary.notTheLab > 0 ? `, ${summary.notTheLab} answered by something other than the lab` : ""}; ${verdict}.`
  );
}

/**
 * A check's heading and result, in each engine it ran in: with several checks a passing one is its
 * summary line alone, since the tables are for the checks that need work.
 */
export function renderCheck(reports: readonly Report[], several: boolean): string {
  const [first] = reports;
  if (first === undefined) return "";
  const engines = reports.length > 1;
  const named = (report: Report, text: string) =>
    engines ? `${ENGINE_TITLES[report.engine]}: ${text}` : text;
  const heading = `${first.title}\n${reports.map((report) => `${whatRan(report)}\n`).join("")}`;
  const failed = reports.some((report) => report.summary.failed > 0);
  const hints = reports.flatMap((report) => hintsOf(report.pairs).map((hint) => named(report, hint)));
  const detail = !several || failed ? `\n${renderTable(reports)}\n\n${renderHints(hints)}` : "";
  const summaries = reports.map((report) => `${named(report, renderSummary(report.summary))}\n`).join("");
  return `${heading}${detail}${summaries}\n`;
}

export function renderScore(steps: readonly { name: string; passed: boolean }[]): string {
  const passed = steps.filter((step) => step.passed).length;
  return `Score: ${passed} of ${steps.length} steps.\n${steps
    .map((step) => `  ${step.passed ? "passed" : "FAILED"}  ${step.name}`)
    .join("\n")}\n`;
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
