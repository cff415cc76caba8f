// What the app and the policy sandbox (services/policy, a container of its own: issue #19) say to each
// other over the Unix socket they share. Two kinds of connection: the sandbox's main thread keeps one
// for control (which sandbox it is, how the file stands, which of its threads serve, which ended and
// why); each version's thread keeps one of its own for the requests (`serve`, then a run and an
// outcome per request), so that a request crosses one thread on each side, no more. Only plain data
// crosses: the request's method, URL and headers go out; the headers the policy set, its own answer,
// or what went wrong come back. The app reads what comes back as hostile input (the sandbox runs a
// stranger's code): every message is checked for its shape and size before anything of it is used.

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

export type HeaderList = readonly (readonly [string, HeaderValue])[];

export type PolicyOutcome =
  /** The policy called next(): the app answers, with the headers the policy set. */
  | { readonly kind: "next"; readonly headers: HeaderList }
  /** The policy answered itself (a preflight, say). */
  | {
      readonly kind: "answered";
      readonly status: number;
      readonly headers: HeaderList;
      readonly body: string;
    }
  | ({ readonly kind: "failed" } & PolicyProblem)
  /** The file in force exports null (or none loaded yet): the app's own CORS_* variables decide. */
  | { readonly kind: "null" };

/** What /policy.json and the request log say about the policy in force. */
export interface PolicyStatus {
  readonly file: string;
  /** Which policy answers: the file's, the CORS_* variables' (the file exports null), or none. */
  readonly source: "file" | "env" | "none";
  /** Loads of the file so far, in this sandbox. */
  readonly version: number;
  readonly loadedAt: string | undefined;
  /** Why the file's latest version did not load, when it did not. */
  readonly notLoaded: PolicyProblem | undefined;
}

/** The sandbox the app is linked to: a new id each time one starts (a class gives each student one). */
export interface SandboxInfo {
  readonly id: string;
  readonly startedAt: string;
  /** How long the policy may take on one request there (POLICY_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

/** What the app's /policy.json says: the policy in force, and the sandbox that runs it. */
export interface LinkedPolicyStatus extends PolicyStatus {
  readonly sandbox: { readonly linked: false } | ({ readonly linked: true } & Omit<SandboxInfo, "timeoutMs">);
}

/** What the sandbox says about the file it runs: whether it exports a policy, and the status. */
export interface SandboxStatus extends Omit<PolicyStatus, "source"> {
  /** "middleware": requests go to the sandbox; "null": the app applies the CORS_* variables itself. */
  readonly exported: "middleware" | "null" | "nothing";
}

export type ToSandbox =
  | { readonly type: "run"; readonly id: number; readonly request: PolicyRequest }
  /** The answer to a health check: is a sandbox linked, and has it loaded the file. */
  | { readonly type: "health"; readonly linked: boolean; readonly loaded: boolean };

export type FromSandbox =
  /** The first message of the control connection. */
  | { readonly type: "hello"; readonly sandbox: SandboxInfo }
  /** The sandbox container's health check asks whether a sandbox is linked (and has loaded the file). */
  | { readonly type: "health" }
  | { readonly type: "status"; readonly status: SandboxStatus }
  /** Control: thread `thread` will serve (the newest version's); it connects with `serve`. */
  | { readonly type: "thread"; readonly thread: number }
  /** Control: thread `thread` has ended; the requests it held fail with `problem`. */
  | ({ readonly type: "ended"; readonly thread: number } & PolicyProblem)
  /** The first message of a thread's own connection. */
  | { readonly type: "serve"; readonly sandbox: string; readonly thread: number }
  | { readonly type: "outcome"; readonly id: number; readonly outcome: PolicyOutcome };

/** The most a policy's own answer may hold, and the most headers it may set. */
export const MAX_BODY_CHARS = 64 * 1024;
export const MAX_HEADERS = 100;
const MAX_TEXT_CHARS = 8 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown, max = MAX_TEXT_CHARS): value is string =>
  typeof value === "string" && value.length <= max;
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

function readProblem(value: Record<string, unknown>): PolicyProblem | undefined {
  if (!isText(value.problem)) return undefined;
  if (value.where !== undefined && !isText(value.where, 200)) return undefined;
  return value.where === undefined
    ? { problem: value.problem }
    : { problem: value.problem, where: value.where };
}

function readHeaders(value: unknown): HeaderList | undefined {
  if (!Array.isArray(value) || value.length > MAX_HEADERS) return undefined;
  const headers: [string, HeaderValue][] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2 || !isText(entry[0], 256)) return undefined;
    const [name, each] = entry as [string, unknown];
    if (isText(each)) headers.push([name, each]);
    else if (Array.isArray(each) && each.length <= MAX_HEADERS && each.every((part) => isText(part)))
      headers.push([name, each as string[]]);
    else return undefined;
  }
  return headers;
}

function readOutcome(value: unknown): PolicyOutcome | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === "null") return { kind: "null" };
  if (value.kind === "failed") {
    const problem = readProblem(value);
    return problem && { kind: "failed", ...problem };
  }
  const headers = readHeaders(value.headers);
  if (headers === undefined) return undefined;
  if (value.kind === "next") return { kind: "next", headers };
  if (value.kind !== "answered" || !isText(value.body, MAX_BODY_CHARS)) return undefined;
  if (!Number.isInteger(value.status)) return undefined;
  return { kind: "answered", status: value.status as number, headers, body: value.body };
}

function readStatus(value: unknown): SandboxStatus | undefined {
  if (!isRecord(value) || !isText(value.file, 256) || !Number.isSafeInteger(value.version)) return undefined;
  if (!["middleware", "null", "nothing"].includes(value.exported as string)) return undefined;
  if (value.loadedAt !== undefined && !isText(value.loadedAt, 64)) return undefined;
  let notLoaded: PolicyProblem | undefined;
  if (value.notLoaded !== undefined) {
    notLoaded = isRecord(value.notLoaded) ? readProblem(value.notLoaded) : undefined;
    if (notLoaded === undefined) return undefined;
  }
  return {
    file: value.file,
    exported: value.exported as SandboxStatus["exported"],
    version: value.version as number,
    loadedAt: value.loadedAt as string | undefined,
    notLoaded,
  };
}

/** A message from the sandbox, checked field by field; undefined for anything else. */
export function readSandboxMessage(value: unknown): FromSandbox | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "health":
      return { type: "health" };
    case "hello": {
      const sandbox = value.sandbox;
      if (!isRecord(sandbox) || !isText(sandbox.id, 64) || !isText(sandbox.startedAt, 64)) return undefined;
      const timeoutMs = sandbox.timeoutMs;
      if (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > 60_000)
        return undefined;
      return {
        type: "hello",
        sandbox: { id: sandbox.id, startedAt: sandbox.startedAt, timeoutMs: timeoutMs as number },
      };
    }
    case "status": {
      const status = readStatus(value.status);
      return status && { type: "status", status };
    }
    case "outcome": {
      const outcome = readOutcome(value.outcome);
      return outcome && isId(value.id) ? { type: "outcome", id: value.id, outcome } : undefined;
    }
    case "thread":
      return isId(value.thread) ? { type: "thread", thread: value.thread } : undefined;
    case "ended": {
      const problem = readProblem(value);
      return problem && isId(value.thread) ? { type: "ended", thread: value.thread, ...problem } : undefined;
    }
    case "serve":
      return isText(value.sandbox, 64) && isId(value.thread)
        ? { type: "serve", sandbox: value.sandbox, thread: value.thread }
        : undefined;
    default:
      return undefined;
  }
}

/** A message from the app: the sandbox trusts the app, but a malformed one is still not acted on. */
export function readAppMessage(value: unknown): Extract<ToSandbox, { type: "run" }> | undefined {
  if (!isRecord(value) || value.type !== "run" || !isId(value.id) || !isRecord(value.request))
    return undefined;
  const { method, url, headers } = value.request;
  if (typeof method !== "string" || typeof url !== "string" || !isRecord(headers)) return undefined;
  return {
    type: "run",
    id: value.id,
    request: { method, url, headers: headers as PolicyRequest["headers"] },
  };
}
