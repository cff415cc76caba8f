// How a grader run ends, as its exit code (the README's table), and the error that carries it.
/**
 * 5 is the grader's own failure (a bug, or the run stopped under it): never a verdict on the lab, and
 * never 1, which says the student's work is not yet right (issue #19).
 */
export const EXIT = { pass: 0, mismatch: 1, usage: 2, unreachable: 3, browser: 4, crashed: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A run that cannot go on: the message for the terminal and the code to exit with. */
export class GraderExit extends Error {
  readonly code: ExitCode;

  constructor(code: ExitCode, message: string) {
    super(message);
    this.name = "GraderExit";
    this.code = code;
  }
}
