// The run as Markdown, for a CI job's summary page ($GITHUB_STEP_SUMMARY) and anyone reading the
// reports folder on GitHub (issue #11): the score, a row per check, and what to look at in the
// checks that need work, in the same words as the terminal.
import type { ClassroomResult } from "./classroom-result.ts";
import type { Report } from "./report.ts";
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

export function renderMarkdownSummary(reports: readonly Report[], result: ClassroomResult): string {
  const rows = reports.map((report, index) => {
    const test = result.tests[index];
    const { summary } = report;
    const verdict = summary.failed === 0 ? "✅ passed" : "❌ not yet";
    return `| ${markdownText(test?.["test-name"] ?? report.title)} | ${verdict} | ${summary.passed} of ${summary.pairs} |`;
  });
  const details = reports.flatMap((report, index) => {
    if (report.summary.failed === 0) return [];
    const view = checkView(report);
    const hints = view.hints.map((hint) => `- ${markdownText(hint)}`);
    return [
      `### ${markdownText(result.tests[index]?.["test-name"] ?? report.title)}`,
      "",
      markdownText(result.tests[index]?.message ?? view.summary),
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
    `Graded in Chromium ${markdownText(reports[0]?.chromium ?? "")}; the reports are in the run's artifacts.`,
    "",
  ].join("\n");
}
