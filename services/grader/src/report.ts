import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Outcome } from "./browser-probe.ts";
import type { PairExpectation, RequestKind } from "./expectations.ts";
import type { PairResult, Summary } from "./matrix.ts";

export interface Report {
  readonly title: string;
  readonly expectations: string;
  readonly request: RequestKind;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Starting Chromium, and running every pair once it is up. */
  readonly timings: { readonly launchMs: number; readonly matrixMs: number };
  readonly chromium: string;
  readonly origins: readonly string[];
  readonly summary: Summary;
  readonly pairs: readonly (PairResult & { readonly hint: string | undefined })[];
}

export const REPORT_FILE = "origin-matrix.json";

const describeExpected = (expected: PairExpectation) =>
  expected.expect === "blocked"
    ? `blocked (CORS${expected.reason ? `: ${expected.reason}` : ""})`
    : "allowed";

const describeGot = (got: Outcome) =>
  got.result === "allowed"
    ? `allowed (${got.status})`
    : got.cause === "cors"
      ? "blocked (CORS)"
      : "blocked (not CORS)";

const reasonOf = (got: Outcome) => (got.result === "blocked" ? got.reason : "");

/** A plain-text table, one row per pair, padded to line up in a terminal. */
export function renderTable(results: readonly PairResult[]): string {
  const header = ["page origin", "target", "expected", "got", "Chromium's reason", ""];
  const rows = results.map((r) => [
    r.page,
    r.target,
    describeExpected(r.expected),
    describeGot(r.got),
    reasonOf(r.got),
    r.pass ? "ok" : "MISMATCH",
  ]);
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
export function renderHints(pairs: Report["pairs"]): string {
  const hints = pairs.flatMap(({ page, target, hint }) =>
    hint === undefined ? [] : [`- ${page} -> ${target}: ${hint}`],
  );
  return hints.length === 0 ? "" : `What to look at:\n${hints.join("\n")}\n\n`;
}

export function renderSummary(summary: Summary): string {
  const verdict =
    summary.failed === 0
      ? "every pair as expected"
      : `${summary.failed} pair(s) not as expected (marked MISMATCH)`;
  return (
    `${summary.pairs} pairs: ${summary.allowed} allowed, ${summary.blockedCors} blocked by CORS, ` +
    `${summary.blockedOther} blocked for another reason; ${verdict}.`
  );
}

export async function writeReport(directory: string, report: Report): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, REPORT_FILE);
  // Written aside and renamed into place: a reader never sees half a report, and a stale report
  // left by another user is replaced rather than refused.
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(report, null, 2)}\n`);
  await rename(partial, path);
  return path;
}
