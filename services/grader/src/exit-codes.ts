// How a grader run ends, as its exit code (the README's table), and the error that carries it.
export const EXIT = { pass: 0, mismatch: 1, usage: 2, unreachable: 3, browser: 4 } as const;
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
