// What the grader prints: a heading per check, the table of pairs and the hints where a check needs
// work, its summary, and with several checks the score.
import { ENGINE_TITLES } from "../engines/engine.ts";
import { COLUMNS, cellsOf, hintsOf, renderSummary, whatRan } from "./check-view.ts";
import type { Report } from "./report.ts";

/** Where a run's words go: the process's stdout and stderr, or a warm grader's answer. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
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
  return textTable(header, rows);
}

/** Rows under a header, each column padded to its widest cell, a rule under the header. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
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
