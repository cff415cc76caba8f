// One policy thread: a worker thread holding one version of the policy file, with a time limit per
// request and a memory limit for the thread. The thread serves its requests on a connection of its
// own to the app and answers a request the policy does not settle in time itself; this side watches
// its vitals, and when the thread is stuck (an endless loop: its beat stands still while a request is
// over its time) or out of memory, ends it and says why. A thread that has ended says so, and the
// caller starts another.
import { Worker } from "node:worker_threads";
import type { PolicyProblem } from "../../shared/src/policy-protocol.ts";
import {
  BEAT_MS,
  type FromWorker,
  sinceBase,
  type ToWorker,
  VITALS,
  VITALS_LENGTH,
  type WorkerData,
} from "./worker-protocol.ts";

const WORKER = new URL("./worker.ts", import.meta.url);

export interface ThreadLimits {
  /** How long the policy may take to settle one request. */
  readonly timeoutMs: number;
  /** The worker's heap; a policy that grows past it ends its thread. */
  readonly memoryMb: number;
}

export type LoadResult =
  | { readonly exported: "middleware" | "null" }
  | ({ readonly exported: "nothing" } & PolicyProblem);

/** A thread whose beat has not moved for this long, while a request is over its time, is stuck. */
const STUCK_MS = 4 * BEAT_MS;

const LOAD_MS = 3_000;

export class PolicyThread {
  readonly #worker: Worker;
  readonly #limits: ThreadLimits;
  readonly #vitals: Int32Array;
  readonly #clockBase = Date.now();
  readonly #onFailure: (problem: PolicyProblem, path: string) => void;
  readonly #endListeners = new Set<(problem: PolicyProblem) => void>();
  readonly #watch: NodeJS.Timeout;
  readonly loaded: Promise<LoadResult>;
  #ended: PolicyProblem | undefined;

  /**
   * `onFailure` hears of the policy's failures on requests (with the request's path) and of those
   * that belong to no request (a rejected promise nobody awaited: path "stray").
   */
  constructor(file: string, limits: ThreadLimits, onFailure: (problem: PolicyProblem, path: string) => void) {
    this.#limits = limits;
    this.#onFailure = onFailure;
    const vitals = new SharedArrayBuffer(VITALS_LENGTH * Int32Array.BYTES_PER_ELEMENT);
    this.#vitals = new Int32Array(vitals);
    this.#worker = new Worker(WORKER, {
      workerData: {
        file,
        timeoutMs: limits.timeoutMs,
        vitals,
        clockBase: this.#clockBase,
      } satisfies WorkerData,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 8 },
      stdout: false,
      stderr: false,
    });
    this.#worker.unref();
    let settleLoad: (result: LoadResult) => void = () => {};
    this.loaded = new Promise((resolve) => {
      settleLoad = resolve;
    });
    // Loading takes longer than one request (a new thread, TypeScript, the `cors` package), but a
    // file that never finishes loading is a mistake too.
    const loadMs = Math.max(limits.timeoutMs, LOAD_MS);
    const loadTimer = setTimeout(() => {
      this.#end({ problem: `it did not finish loading within ${loadMs} ms: does it loop while loading?` });
    }, loadMs);
    this.#worker.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "loaded":
          clearTimeout(loadTimer);
          settleLoad({ exported: message.exported });
          break;
        case "load-failed":
          clearTimeout(loadTimer);
          settleLoad({
            exported: "nothing",
            problem: message.problem,
            ...(message.where ? { where: message.where } : {}),
          });
          void this.#worker.terminate();
          break;
        case "stray":
          this.#onFailure(message, "stray");
          break;
        case "failed":
          this.#onFailure(message, message.path);
          break;
      }
    });
    this.#worker.on("error", (error: Error & { code?: string }) => {
      this.#end(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? {
              problem: `it used more than the ${limits.memoryMb} MB a policy may: does something in it keep growing?`,
            }
          : { problem: `its thread failed: ${error.message}` },
      );
    });
    this.#worker.on("exit", () => {
      clearTimeout(loadTimer);
      this.#end(this.#ended ?? { problem: "its thread stopped" });
      settleLoad({
        exported: "nothing",
        ...(this.#ended ?? { problem: "its thread stopped while loading" }),
      });
    });
    this.#watch = this.#watchVitals();
  }

  /** Why the thread can no longer run the policy; undefined while it can. */
  get ended(): PolicyProblem | undefined {
    return this.#ended;
  }

  /** `listener` hears once, with the reason, when the thread ends (its held requests fail with it). */
  onEnd(listener: (problem: PolicyProblem) => void): void {
    if (this.#ended) listener(this.#ended);
    else this.#endListeners.add(listener);
  }

  /** Has the thread connect to the app at `socket` and serve its requests, as `thread` of `sandbox`. */
  serve(socket: string, sandbox: string, thread: number): void {
    if (!this.#ended) this.#worker.postMessage({ type: "serve", socket, sandbox, thread } satisfies ToWorker);
  }

  /** Ends the thread; requests it still holds fail with `problem`. */
  close(problem: PolicyProblem = { problem: "a newer version of the policy file took over" }): Promise<void> {
    this.#end(problem);
    return this.#worker.terminate().then(() => undefined);
  }

  /**
   * Every few beats: is a request over its time while the thread's beat stands still? Then the
   * policy is stuck in a loop no timer of its own thread can interrupt.
   */
  #watchVitals(): NodeJS.Timeout {
    let beat = Atomics.load(this.#vitals, VITALS.beat);
    let beatSeenAt = sinceBase(this.#clockBase);
    const timer = setInterval(() => {
      const now = sinceBase(this.#clockBase);
      const current = Atomics.load(this.#vitals, VITALS.beat);
      if (current !== beat) {
        beat = current;
        beatSeenAt = now;
        return;
      }
      const pending = Atomics.load(this.#vitals, VITALS.pending);
      const oldest = Atomics.load(this.#vitals, VITALS.oldestAt);
      if (pending > 0 && now - oldest >= this.#limits.timeoutMs && now - beatSeenAt >= STUCK_MS) {
        this.#end({ problem: `it was still running after ${this.#limits.timeoutMs} ms: an endless loop?` });
      }
    }, BEAT_MS);
    timer.unref();
    return timer;
  }

  #end(problem: PolicyProblem): void {
    if (this.#ended) return;
    this.#ended = problem;
    clearInterval(this.#watch);
    for (const listener of this.#endListeners) listener(problem);
    this.#endListeners.clear();
    void this.#worker.terminate();
  }
}

/** A failure's outcome, as JSON text. */
export function failed(problem: PolicyProblem): string {
  return JSON.stringify({ kind: "failed", ...problem });
}
