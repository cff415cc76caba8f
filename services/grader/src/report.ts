import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RequestKind } from "../../shared/src/console-contract.ts";
import type { Outcome } from "./browser-probe.ts";
import { type ClassroomResult, RESULT_FILE } from "./classroom-result.ts";
import { ENGINE_TITLES, type EngineName } from "./engines/engine.ts";
import type { PairExpectation } from "./expectations.ts";
import type { PairResult, Summary } from "./matrix.ts";
import { renderMarkdownSummary, SUMMARY_FILE } from "./summary-markdown.ts";

/** What one check (a step, or an expectations file) found. */
export interface Report {
  readonly title: string;
  /** The step of the guide, when the check is one. */
  readonly step?: number;
  readonly expectations: string;
  readonly request: RequestKind;
  /** What each page asked for, and where the browser was signed in as the victim (null: nowhere). */
  readonly asked: { readonly path: string; readonly signedIn: string | null };
  /** How many page origins the check loaded (the lab's, and its extra pages). */
  readonly pageCount: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Starting the browser, and running every pair once it is up. */
  readonly timings: { readonly launchMs: number; readonly matrixMs: number };
  /** The engine the check ran in (issue #14), and its version. */
  readonly engine: EngineName;
  readonly browser: string;
  readonly origins: readonly string[];
  readonly summary: Summary;
  readonly pairs: readonly (PairResult & { readonly hint: string | undefined })[];
}

export const REPORT_FILE = "origin-matrix.json";
export const JUNIT_FILE = "origin-matrix.junit.xml";

export const describeExpected = (expected: PairExpectation) =>
  (expected.expect === "blocked"
    ? `blocked (CORS${expected.reason ? `: ${expected.reason}` : ""})`
    : `${expected.expect}${expected.readsRequestId ? ", X-Request-Id readable" : ""}`) +
  (expected.secret === "read" ? ", secret read" : "");

export const describeGot = (got: Outcome) => {
  if (got.result === "allowed") {
    const secret = got.secretRead ? ", the victim's secret read" : "";
    return `allowed (${got.status})${got.requestId === null ? ", X-Request-Id hidden" : ""}${secret}`;
  }
  if (got.cause === "policy") return "your policy failed";
  if (got.cause === "forwarder") return "not the lab's answer";
  return got.cause === "cors" ? "blocked (CORS)" : "blocked (not CORS)";
};

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

/** The engine and its version, in words: "Firefox 153.7.0". */
export const browserOf = (report: Pick<Report, "engine" | "browser">) =>
  `${ENGINE_TITLES[report.engine]} ${report.browser}`;

/** Each engine of the reports once, in words, in the order they first appear. */
export const browsersOf = (reports: readonly Report[]) => [...new Set(reports.map(browserOf))];

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
 * Written aside and renamed into place: a reader never sees half a file, and a stale one left by
 * another user is replaced rather than refused.
 */
async function writeAtomically(directory: string, file: string, content: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, file);
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, content);
  await rename(partial, path);
  return path;
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

export function writeJUnit(directory: string, content: string): Promise<string> {
  return writeAtomically(directory, JUNIT_FILE, content);
}

/** Only the grade, for a run that ended before any check could run (the lab or the browser was down). */
export function writeClassroomResult(directory: string, result: ClassroomResult): Promise<string> {
  return writeAtomically(directory, RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Writes the JSON report (one check's report, or with several checks or engines the run's `steps`,
 * a report per check and engine), the JUnit XML, the
 * Markdown summary and the Classroom 50 result; returns the JSON report's path.
 */
export async function writeReport(
  directory: string,
  reports: readonly Report[],
  result: ClassroomResult,
): Promise<string> {
  const [only] = reports;
  const json =
    reports.length === 1 && only !== undefined
      ? only
      : {
          title: `Steps ${reports.map((report) => report.step ?? report.expectations).join(", ")}`,
          startedAt: reports[0]?.startedAt,
          durationMs: reports.reduce((sum, report) => sum + report.durationMs, 0),
          browsers: browsersOf(reports),
          score: { passed: result.score, steps: result["max-score"] },
          steps: reports,
        };
  await writeAtomically(directory, JUNIT_FILE, renderJUnit(reports));
  await writeAtomically(directory, SUMMARY_FILE, renderMarkdownSummary(reports, result));
  await writeClassroomResult(directory, result);
  return writeAtomically(directory, REPORT_FILE, `${JSON.stringify(json, null, 2)}\n`);
}
