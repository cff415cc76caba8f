// The class's gradebook (issue #11): gradebook.csv, a row per student with the score and one column
// per step, and a note saying why a student got nothing, or what their policy did wrong.

export const GRADEBOOK_FILE = "gradebook.csv";

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
