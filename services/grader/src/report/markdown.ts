// The run as Markdown, for a CI job's summary page ($GITHUB_STEP_SUMMARY) and anyone reading the
// reports folder on GitHub (issue #11): the score, a row per check and engine, and what to look at in
// the checks that need work, in the same words as the terminal.
import { ENGINE_TITLES } from "../engines/engine.ts";
import { checkView } from "./check-view.ts";
import { browsersOf, type GradedRun, reportsOf } from "./report.ts";

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
export function renderMarkdownSummary(run: GradedRun): string {
  const { result } = run;
  const rows = run.checks.flatMap((check, index) => {
    const engines = check.reports.length > 1;
    return check.reports.map((report) => ({
      report,
      name: `${check.name}${engines ? ` (${ENGINE_TITLES[report.engine]})` : ""}`,
      message: engines ? undefined : result.tests[index]?.message,
    }));
  });
  const table = rows.map(({ report, name }) => {
    const { summary } = report;
    const verdict = summary.failed === 0 ? "✅ passed" : "❌ not yet";
    return `| ${markdownText(name)} | ${verdict} | ${summary.passed} of ${summary.pairs} |`;
  });
  const details = rows.flatMap(({ report, name, message }) => {
    if (report.summary.failed === 0) return [];
    const view = checkView(report);
    const hints = view.hints.map((hint) => `- ${markdownText(hint)}`);
    return [
      `### ${markdownText(name)}`,
      "",
      markdownText(message ?? view.summary),
      "",
      ...(hints.length > 0 ? ["What to look at:", "", ...hints, ""] : []),
    ];
  });
  return [
    `## cors-lab: ${result.score} of ${result["max-score"]} ${result["max-score"] === 1 ? "check" : "checks"} passed`,
    "",
    "| Check | Verdict | Pairs as expected |",
    "| --- | --- | --- |",
    ...table,
    "",
    ...details,
    `Graded in ${markdownText(browsersOf(reportsOf(run)).join(", "))}; the reports are in the run's artifacts.`,
    "",
  ].join("\n");
}
