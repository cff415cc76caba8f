// What the sandbox's main thread and a version's thread say to each other. The requests themselves do
// not pass here: the thread serves them on a connection of its own to the app (issue #19). The main
// thread learns whether the thread still runs from its vitals, a few numbers in shared memory the
// thread keeps up to date, so that no message per request is needed to tell a busy thread from a
// stuck one.
import type { PolicyProblem } from "../../shared/src/policy-protocol.ts";

export type ToWorker =
  /** Connect to the app at `socket` and serve its requests there, as `thread` of `sandbox`. */
  { readonly type: "serve"; readonly socket: string; readonly sandbox: string; readonly thread: number };

export type FromWorker =
  | { readonly type: "loaded"; readonly exported: "middleware" | "null" }
  | ({ readonly type: "load-failed" } & PolicyProblem)
  /** Something the policy started went wrong after its request was answered. */
  | ({ readonly type: "stray" } & PolicyProblem)
  /** The policy failed on a request (the app has its answer already): for the log, once. */
  | ({ readonly type: "failed"; readonly path: string } & PolicyProblem);

export interface WorkerData {
  /** The policy file, absolute. */
  readonly file: string;
  /** How long the policy may take on one request. */
  readonly timeoutMs: number;
  /** The thread's vitals: an Int32Array over this buffer, laid out as VITALS says. */
  readonly vitals: SharedArrayBuffer;
  /** The epoch time (ms) the vitals' times count from, the same for both threads' clocks. */
  readonly clockBase: number;
}

/** Where each vital is in the thread's Int32Array. */
export const VITALS = {
  /** Counts up while the thread's event loop turns: a thread whose count stands still is stuck. */
  beat: 0,
  /** Requests the thread holds now. */
  pending: 1,
  /** When the oldest of them arrived, in ms since `clockBase`. */
  oldestAt: 2,
} as const;
export const VITALS_LENGTH = 3;

/** Now, in ms since `clockBase`, by either thread's clock. */
export function sinceBase(clockBase: number): number {
  return Math.round(performance.timeOrigin + performance.now() - clockBase);
}

/** How often the thread's beat counts up. */
export const BEAT_MS = 50;
