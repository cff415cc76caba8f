// A policy's mistakes in plain words, for the learner who made them: what happened, and where in
// their file when the error's stack says so.
import { basename } from "node:path";
import type { PolicyProblem } from "../../shared/src/policy-protocol.ts";

/** `cors-policy.ts line 12`, from the first frame of the stack that is in the policy file. */
export function whereIn(file: string, error: unknown): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(`${name}(?:\\?[^:\\s)]*)?:(\\d+)(?::\\d+)?`).exec(stack)?.[1];
  return line === undefined ? undefined : `${basename(file)} line ${line}`;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]?.trim() || "no message";
}

/** What a thrown error (or a rejected promise's reason) says about the policy. */
export function describeError(file: string, error: unknown, how: "threw" | "rejected"): PolicyProblem {
  const code = (error as { code?: unknown } | null)?.code;
  const where = whereIn(file, error);
  const at = where === undefined ? {} : { where };
  if (error instanceof PolicyMistake) return { problem: error.message, ...at };
  if (code === "ERR_INVALID_CHAR" || code === "ERR_HTTP_INVALID_HEADER_VALUE") {
    return {
      problem: `it set a header to a value a header may not hold (a line break, say): ${message(error)}`,
      ...at,
    };
  }
  if (code === "ERR_INVALID_HTTP_TOKEN") {
    return { problem: `it set a header whose name is not a valid header name: ${message(error)}`, ...at };
  }
  const name = error instanceof Error ? error.name : typeof error;
  return how === "threw"
    ? { problem: `it threw ${name}: ${message(error)}`, ...at }
    : { problem: `it returned a promise that was rejected with ${name}: ${message(error)}`, ...at };
}

/** What the policy file did wrong while it was loading. */
export function describeLoadError(file: string, error: unknown): PolicyProblem {
  const where = whereIn(file, error);
  const at = where === undefined ? {} : { where };
  if (error instanceof PolicyMistake) return { problem: error.message, ...at };
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_INVALID_TYPESCRIPT_SYNTAX" || error instanceof SyntaxError) {
    return { problem: `it is not valid TypeScript: ${message(error)}`, ...at };
  }
  if (code === "ERR_MODULE_NOT_FOUND") {
    return { problem: `it imports something that cannot be found: ${message(error)}`, ...at };
  }
  return {
    problem: `it threw ${error instanceof Error ? error.name : typeof error} while loading: ${message(error)}`,
    ...at,
  };
}

/** An error the sandbox raises on the policy's behalf, whose message is already in plain words. */
export class PolicyMistake extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyMistake";
  }
}
