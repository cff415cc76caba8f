// The reports as JUnit XML, for CI systems and classroom tools: a test suite per check (per check and
// engine when several ran), a test case per pair.
import { ENGINE_TITLES } from "../engines/engine.ts";
import { browserOf, describeExpected, describeGot, type Report } from "./report.ts";

export const JUNIT_FILE = "origin-matrix.junit.xml";

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Text for XML content and attributes: the five markup characters escaped, characters XML forbids dropped. */
const xml = (text: string) =>
  text
    .replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char)
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/gu, "");

/**
 * The reports as JUnit XML: a test suite per check (per check and engine when several ran), a test
 * case per pair, for CI and classroom tools; each suite names its browser in a property.
 */
export function renderJUnit(reports: readonly Report[]): string {
  const engines = new Set(reports.map((report) => report.engine)).size > 1;
  const suites = reports.map((report) => {
    const seconds = (report.durationMs / 1000).toFixed(3);
    const cases = report.pairs.map((pair) => {
      const name = `${pair.page} -> ${pair.target}`;
      const detail = `expected ${describeExpected(pair.expected)}, got ${describeGot(pair.got)}${
        pair.got.result === "blocked" ? ` (${pair.got.reason})` : ""
      }`;
      const failure = pair.pass
        ? ""
        : `\n      <failure type="mismatch" message="${xml(pair.hint ?? detail)}">${xml(detail)}</failure>\n    `;
      return `    <testcase classname="${xml(pair.page)}" name="${xml(name)}">${failure}</testcase>`;
    });
    const counts = `tests="${report.summary.pairs}" failures="${report.summary.failed}" errors="0" skipped="0"`;
    const name = engines ? `${report.title} (${ENGINE_TITLES[report.engine]})` : report.title;
    return `  <testsuite name="${xml(name)}" ${counts} time="${seconds}" timestamp="${report.startedAt.slice(0, 19)}">
    <properties><property name="browser" value="${xml(browserOf(report))}"/></properties>
${cases.join("\n")}
  </testsuite>`;
  });
  const total = (count: (report: Report) => number) =>
    reports.reduce((sum, report) => sum + count(report), 0);
  const seconds = (total((report) => report.durationMs) / 1000).toFixed(3);
  const counts = `tests="${total((r) => r.summary.pairs)}" failures="${total((r) => r.summary.failed)}" errors="0" skipped="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cors-lab" ${counts} time="${seconds}">
${suites.join("\n")}
</testsuites>
`;
}

/**
 * The JUnit XML of a submission that was never graded (grade:class: no policy, or one that does not
 * load): each step a failed test case, with the reason.
 */
export function renderNotGradedJUnit(stepNames: readonly string[], reason: string): string {
  const cases = stepNames.map(
    (name) =>
      `    <testcase classname="cors-lab" name="${xml(name)}">\n      <failure type="not-graded" message="${xml(reason)}">${xml(reason)}</failure>\n    </testcase>`,
  );
  const counts = `tests="${stepNames.length}" failures="${stepNames.length}" errors="0" skipped="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cors-lab" ${counts} time="0.000">
  <testsuite name="Not graded" ${counts} time="0.000">
${cases.join("\n")}
  </testsuite>
</testsuites>
`;
}
