// The report files a run leaves behind (issue #21): rendered from the graded run into text first, so
// that the warm grader can hand them to whoever asked it (issue #19: it is never told where to write),
// then written, each aside and renamed into place.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ClassroomResult, RESULT_FILE } from "../classroom-result.ts";
import type { GraderConfig } from "../config.ts";
import { EXIT, GraderExit } from "../exit-codes.ts";
import { JUNIT_FILE, renderJUnit } from "./junit.ts";
import { renderMarkdownSummary, SUMMARY_FILE } from "./markdown.ts";
import { browsersOf, type GradedRun, reportsOf } from "./report.ts";

export const REPORT_FILE = "origin-matrix.json";

/** The files of a run, by name: the JSON report, the JUnit XML, the Markdown summary and result.json. */
export type ReportFiles = Readonly<Record<string, string>>;

/** The report files' names, in the order they are written: the JSON report, which is named, last. */
/** What `--claims` measured (issue #20): the one report of such a run. */
export const CLAIMS_FILE = "claims.json";

export const REPORT_FILE_NAMES = [JUNIT_FILE, SUMMARY_FILE, RESULT_FILE, REPORT_FILE, CLAIMS_FILE] as const;

export const resultJson = (result: ClassroomResult) => `${JSON.stringify(result, null, 2)}\n`;

/**
 * The JSON report (one check's report, or with several checks or engines the run's `steps`, a report
 * per check and engine), the JUnit XML, the Markdown summary and the Classroom 50 result.
 */
export function renderReportFiles(run: GradedRun): ReportFiles {
  const reports = reportsOf(run);
  const [only] = reports;
  const json =
    reports.length === 1 && only !== undefined
      ? only
      : {
          title: `Steps ${reports.map((report) => report.step ?? report.expectations).join(", ")}`,
          startedAt: reports[0]?.startedAt,
          durationMs: reports.reduce((sum, report) => sum + report.durationMs, 0),
          browsers: browsersOf(reports),
          score: { passed: run.result.score, steps: run.result["max-score"] },
          steps: reports,
        };
  return {
    [JUNIT_FILE]: renderJUnit(reports),
    [SUMMARY_FILE]: renderMarkdownSummary(run),
    [RESULT_FILE]: resultJson(run.result),
    [REPORT_FILE]: `${JSON.stringify(json, null, 2)}\n`,
  };
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
 * Writes `files` (only the known report names, whoever rendered them) into `directory`; returns the
 * JSON report's path, or the last file's when there is none.
 */
export async function writeReportFiles(directory: string, files: ReportFiles): Promise<string> {
  let last = join(
    directory,
    files[REPORT_FILE] === undefined && files[CLAIMS_FILE] !== undefined ? CLAIMS_FILE : REPORT_FILE,
  );
  for (const name of REPORT_FILE_NAMES) {
    const content = files[name];
    if (typeof content === "string") last = await writeAtomically(directory, name, content);
  }
  return last;
}

/** Only the grade, for a run that ended before any check could run (the lab or the browser was down). */
export function writeClassroomResult(directory: string, result: ClassroomResult): Promise<string> {
  return writeAtomically(directory, RESULT_FILE, resultJson(result));
}

/** Only the JUnit file, for a submission that was never graded (grade:class). */
export function writeJUnit(directory: string, content: string): Promise<string> {
  return writeAtomically(directory, JUNIT_FILE, content);
}

/** Writes a run's report files to the configured folder; the line that says where they are. */
export async function writeReports(config: GraderConfig, files: ReportFiles): Promise<string> {
  const path = await writeReportFiles(config.reportDir, files).catch((error: NodeJS.ErrnoException) => {
    throw new GraderExit(
      EXIT.usage,
      `cannot write the report to ${config.reportDirShown} (${error.code ?? error.message}); is it writable?`,
    );
  });
  const shown = path.replace(config.reportDir, config.reportDirShown);
  if (files[REPORT_FILE] === undefined) return `Written to ${shown}\n`;
  return `Reports written to ${shown} (and beside it the JUnit XML and result.json)\n`;
}
