// A policy's thread: a worker thread that loads one version of the student's policy file and runs it
// for each request the app sends it (serve-app.ts: on a connection of its own), with stand-ins for
// Express's request and response (shim.ts). Whatever the policy does (throw, loop, never answer,
// exit, eat memory), only this thread suffers: the app answers that request with what went wrong,
// and a new thread is started when one must be (issue #15). What the thread closes before the
// policy loads is in worker-guard.ts (issue #19).

import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { PolicyOutcome, PolicyRequest } from "../../shared/src/policy-protocol.ts";
import { describeError, describeLoadError, PolicyMistake } from "./problems.ts";
import { serveApp } from "./serve-app.ts";
import { ShimRequest, ShimResponse } from "./shim.ts";
import { lockDown } from "./worker-guard.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";

type Middleware = (req: ShimRequest, res: ShimResponse, next: (error?: unknown) => void) => unknown;

const { file, timeoutMs, vitals, clockBase } = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error("services/policy/src/worker.ts runs as a worker thread");
const post = (message: FromWorker) => port.postMessage(message);

// In a worker, process.exit would end only this thread; say plainly instead that a policy cannot.
Object.defineProperty(process, "exit", {
  value: (code?: number) => {
    throw new PolicyMistake(
      `it called process.exit(${code ?? ""}): a policy only decides on headers, it cannot stop the app`,
    );
  },
  writable: false,
  configurable: false,
});
lockDown();

// Something the policy started may fail after its request is answered (a timer, a promise nobody
// awaits). The thread stays up; the app hears of it once.
process.on("unhandledRejection", (reason) =>
  post({ type: "stray", ...describeError(file, reason, "rejected") }),
);
process.on("uncaughtException", (error) => post({ type: "stray", ...describeError(file, error, "threw") }));

let policy: Middleware;
try {
  const module = (await import(pathToFileURL(file).href)) as { corsPolicy?: unknown };
  if (module.corsPolicy === null) {
    post({ type: "loaded", exported: "null" });
  } else if (typeof module.corsPolicy !== "function") {
    throw new PolicyMistake(
      `it must export \`corsPolicy\`: a middleware such as cors({...}), or null (it exports ${
        module.corsPolicy === undefined ? "no corsPolicy" : typeof module.corsPolicy
      })`,
    );
  } else {
    policy = module.corsPolicy as Middleware;
    post({ type: "loaded", exported: "middleware" });
  }
} catch (error) {
  post({ type: "load-failed", ...describeLoadError(file, error) });
}

function run(message: string, settle: (outcome: PolicyOutcome) => void): void {
  const sent = readRequest(message);
  if (sent === undefined) {
    settle({ kind: "failed", problem: "the sandbox could not read the request the lab sent it" });
    return;
  }
  const request = new ShimRequest(sent);
  const res = new ShimResponse(settle);
  const next = (error?: unknown) => {
    // As Express: a falsy value is no error (the `cors` package calls next(null) for an origin it
    // does not allow), and "route"/"router" only skip ahead.
    if (error && error !== "route" && error !== "router") {
      settle({ kind: "failed", ...describeError(file, error, "threw") });
      return;
    }
    settle({ kind: "next", headers: res.headerList() });
  };
  try {
    const returned = policy(request, res, next) as { then?: unknown } | undefined;
    if (typeof returned?.then === "function") {
      (returned as Promise<unknown>).then(undefined, (error: unknown) =>
        settle({ kind: "failed", ...describeError(file, error, "rejected") }),
      );
    }
  } catch (error) {
    settle({ kind: "failed", ...describeError(file, error, "threw") });
  }
}

/**
 * The request of the app's run message. The app is trusted; its message is still checked for the
 * shape the shim reads. Written here rather than imported: every module a version's thread loads
 * costs memory in every thread (issue #19).
 */
function readRequest(message: string): PolicyRequest | undefined {
  let parsed: { request?: { method?: unknown; url?: unknown; headers?: unknown } };
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  const { method, url, headers } = parsed?.request ?? {};
  if (typeof method !== "string" || typeof url !== "string") return undefined;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return undefined;
  return { method, url, headers: headers as PolicyRequest["headers"] };
}

port.on("message", (message: ToWorker) => {
  serveApp(message, {
    timeoutMs,
    vitals: new Int32Array(vitals),
    clockBase,
    run,
    // The sandbox's main thread says a policy's failure in the log, once.
    failed: ({ kind: _, ...problem }, sent) =>
      post({ type: "failed", path: readRequest(sent)?.url ?? "?", ...problem }),
  });
});
