// What the sandbox's main thread and its worker thread (one per version of the policy file) say to
// each other: a request to run, a ping to tell a busy thread from a stuck one, and what came of it.
import type { PolicyOutcome, PolicyProblem, PolicyRequest } from "../../shared/src/policy-protocol.ts";

export type ToWorker =
  | { readonly type: "run"; readonly id: number; readonly request: PolicyRequest }
  | { readonly type: "ping"; readonly id: number };

export type FromWorker =
  | { readonly type: "loaded"; readonly exported: "middleware" | "null" }
  | ({ readonly type: "load-failed" } & PolicyProblem)
  | { readonly type: "outcome"; readonly id: number; readonly outcome: PolicyOutcome }
  | { readonly type: "pong"; readonly id: number }
  /** Something the policy started went wrong after its request was answered. */
  | ({ readonly type: "stray" } & PolicyProblem);

export interface WorkerData {
  /** The policy file, absolute. */
  readonly file: string;
}
