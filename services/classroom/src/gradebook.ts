// The class's gradebook (issue #11): gradebook.csv, a row per student with the score and one column
// per step, and a note saying why a student got nothing, or what their policy did wrong.

import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const GRADEBOOK_FILE = "gradebook.csv";
/** The gradebook as it is being written, renamed into place once whole. */
const PARTIAL = `${GRADEBOOK_FILE}.partial`;

/** The names the tool writes at the top of the out folder: no student folder may take one. */
export const TOOL_NAMES: readonly string[] = [GRADEBOOK_FILE, PARTIAL];

export interface GradebookRow {
  readonly student: string;
  /** Whether each step passed, in the guide's order; all false for a submission never graded. */
  readonly steps: readonly boolean[];
  readonly note: string;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes the gradebook with the rows so far, whole or not at all: it is written again after each
 * student, so a class that stops half-way (an error, Ctrl+C) keeps every grade given so far.
 */
export async function writeGradebook(
  outDir: string,
  stepNames: readonly string[],
  rows: readonly GradebookRow[],
): Promise<string> {
  const path = join(outDir, GRADEBOOK_FILE);
  await writeFile(join(outDir, PARTIAL), renderGradebook(stepNames, rows));
  await rename(join(outDir, PARTIAL), path);
  return path;
}

export function renderGradebook(stepNames: readonly string[], rows: readonly GradebookRow[]): string {
  const header = ["student", "score", ...stepNames, "note"];
  const lines = rows.map((row) => [
    row.student,
    String(row.steps.filter(Boolean).length),
    ...row.steps.map((passed) => (passed ? "1" : "0")),
    row.note,
  ]);
  return `${[header, ...lines].map((line) => line.map(csvField).join(",")).join("\r\n")}\r\n`;
}
