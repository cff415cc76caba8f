// What the app and its policy sandbox (a worker thread) say to each other. Only plain data crosses:
// the request's method, URL and headers go in; the headers the policy set, its own answer, or what
// went wrong come back.

export type HeaderValue = string | readonly string[];

export interface PolicyRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** A mistake in the policy, in plain words, and where in the file it is when that is known. */
export interface PolicyProblem {
  readonly problem: string;
  /** e.g. `cors-policy.ts line 12`. */
  readonly where?: string;
}

export type PolicyOutcome =
  /** The policy called next(): the app answers, with the headers the policy set. */
  | { readonly kind: "next"; readonly headers: readonly (readonly [string, HeaderValue])[] }
  /** The policy answered itself (a preflight, say). */
  | {
      readonly kind: "answered";
      readonly status: number;
      readonly headers: readonly (readonly [string, HeaderValue])[];
      readonly body: string;
    }
  | ({ readonly kind: "failed" } & PolicyProblem);

export type ToSandbox =
  | { readonly type: "run"; readonly id: number; readonly request: PolicyRequest }
  | { readonly type: "ping"; readonly id: number };

export type FromSandbox =
  | { readonly type: "loaded"; readonly exported: "middleware" | "null" }
  | ({ readonly type: "load-failed" } & PolicyProblem)
  | { readonly type: "outcome"; readonly id: number; readonly outcome: PolicyOutcome }
  | { readonly type: "pong"; readonly id: number }
  /** Something the policy started went wrong after its request was answered. */
  | ({ readonly type: "stray" } & PolicyProblem);

export interface SandboxData {
  /** The policy file, absolute. */
  readonly file: string;
}
