// The run as Markdown, for a CI job's summary page ($GITHUB_STEP_SUMMARY) and anyone reading the
// reports folder on GitHub (issue #11): the score, a row per check, and what to look at in the
// checks that need work, in the same words as the terminal.
import type { ClassroomResult } from "./classroom-result.ts";
import { ENGINE_TITLES } from "./engines/engine.ts";
import { browsersOf, type Report } from "./report.ts";
import { checkView } from "./terminal.ts";

export const SUMMARY_FILE = "summary.md";

/**
 * Text for a table cell or a list item: on one line, without control characters, Markdown's and
 * HTML's special characters made literal.
 */
export function markdownText(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, " ")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
      .replace(/[\\`*_[\]{}()#+!|<>~]/g, (char) => `\\${char}`)
      .replace(/&/g, "&amp;")
  );
}

/** A row per check and engine, and what to look at where a check needs work. */
export function renderMarkdownSummary(reports: readonly Report[], result: ClassroomResult): string {
  // The reports are check by check, each in every engine of the run (run.ts).
  const engines = Math.max(1, Math.round(reports.length / Math.max(1, result.tests.length)));
  const testOf = (index: number) => result.tests[Math.floor(index / engines)];
  const nameOf = (report: Report, index: number) =>
    `${testOf(index)?.["test-name"] ?? report.title}${engines > 1 ? ` (${ENGINE_TITLES[report.engine]})` : ""}`;
  const rows = reports.map((report, index) => {
    const { summary } = report;
    const verdict = summary.failed === 0 ? "✅ passed" : "❌ not yet";
    return `| ${markdownText(nameOf(report, index))} | ${verdict} | ${summary.passed} of ${summary.pairs} |`;
  });
  const details = reports.flatMap((report, index) => {
    if (report.summary.failed === 0) return [];
    const view = checkView(report);
    const hints = view.hints.map((hint) => `- ${markdownText(hint)}`);
    return [
      `### ${markdownText(nameOf(report, index))}`,
      "",
      markdownText(engines > 1 ? view.summary : (testOf(index)?.message ?? view.summary)),
      "",
      ...(hints.length > 0 ? ["What to look at:", "", ...hints, ""] : []),
    ];
  });
  return [
    `## cors-lab: ${result.score} of ${result["max-score"]} ${result["max-score"] === 1 ? "check" : "checks"} passed`,
    "",
    "| Check | Verdict | Pairs as expected |",
    "| --- | --- | --- |",
    ...rows,
    "",
    ...details,
    `Graded in ${markdownText(browsersOf(reports).join(", "))}; the reports are in the run's artifacts.`,
    "",
  ].join("\n");
}
