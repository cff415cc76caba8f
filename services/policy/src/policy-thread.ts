// One policy thread: a worker thread holding one version of the policy file, with a time limit per
// request and a memory limit for the thread. A request the policy does not settle in time gets a
// failure; if the thread is stuck (an endless loop), it is ended, and every request it held gets
// the same failure. A thread that has ended says so, and the caller starts another.
import { Worker } from "node:worker_threads";
import type { PolicyOutcome, PolicyProblem, PolicyRequest } from "../../shared/src/policy-protocol.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";

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

/**
 * Before a request's time is up, the thread is asked whether it still answers at all: a policy
 * that merely forgot next() leaves it free, an endless loop does not. The question takes this long
 * at most, within the request's time, so the answer still comes at the limit.
 */
const PING_MS = 200;

const LOAD_MS = 3_000;

export class PolicyThread {
  readonly #worker: Worker;
  readonly #limits: ThreadLimits;
  readonly #pending = new Map<number, (outcome: PolicyOutcome) => void>();
  readonly #pongs = new Map<number, (alive: boolean) => void>();
  readonly #onStray: (problem: PolicyProblem) => void;
  readonly loaded: Promise<LoadResult>;
  #nextId = 0;
  #ended: PolicyProblem | undefined;

  /** `onStray` hears of failures that belong to no request (a rejected promise nobody awaited). */
  constructor(file: string, limits: ThreadLimits, onStray: (problem: PolicyProblem) => void) {
    this.#limits = limits;
    this.#onStray = onStray;
    this.#worker = new Worker(WORKER, {
      workerData: { file } satisfies WorkerData,
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
      void this.#worker.terminate();
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
        case "outcome":
          this.#pending.get(message.id)?.(message.outcome);
          break;
        case "pong":
          this.#pongs.get(message.id)?.(true);
          break;
        case "stray":
          this.#onStray(message);
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
  }

  /** Why the thread can no longer run the policy; undefined while it can. */
  get ended(): PolicyProblem | undefined {
    return this.#ended;
  }

  /** Runs the policy for one request: what it decided, or what went wrong, within the time limit. */
  run(request: PolicyRequest): Promise<PolicyOutcome> {
    if (this.#ended) return Promise.resolve({ kind: "failed", ...this.#ended });
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      const { timeoutMs } = this.#limits;
      const pingMs = Math.min(PING_MS, timeoutMs / 2);
      let alive = Promise.resolve(true);
      const pingTimer = setTimeout(() => {
        alive = this.#answersPing(pingMs);
      }, timeoutMs - pingMs);
      const timer = setTimeout(() => void alive.then((isAlive) => this.#timedOut(id, isAlive)), timeoutMs);
      this.#pending.set(id, (outcome) => {
        clearTimeout(pingTimer);
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(outcome);
      });
      this.#post({ type: "run", id, request });
    });
  }

  /** Ends the thread; requests still held get `problem`. */
  close(problem: PolicyProblem = { problem: "a newer version of the policy file took over" }): Promise<void> {
    this.#end(problem);
    return this.#worker.terminate().then(() => undefined);
  }

  async #timedOut(id: number, alive: boolean): Promise<void> {
    const settle = this.#pending.get(id);
    if (settle === undefined) return;
    const ms = this.#limits.timeoutMs;
    if (alive) {
      settle({
        kind: "failed",
        problem: `it neither called next() nor answered within ${ms} ms: does every path through it end in next() or an answer?`,
      });
      return;
    }
    const stuck = { problem: `it was still running after ${ms} ms: an endless loop?` };
    this.#end(stuck);
    await this.#worker.terminate();
  }

  #answersPing(withinMs: number): Promise<boolean> {
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#pongs.get(id)?.(false), withinMs);
      this.#pongs.set(id, (alive) => {
        clearTimeout(timer);
        this.#pongs.delete(id);
        resolve(alive);
      });
      this.#post({ type: "ping", id });
    });
  }

  #post(message: ToWorker): void {
    if (!this.#ended) this.#worker.postMessage(message);
  }

  #end(problem: PolicyProblem): void {
    if (this.#ended) return;
    this.#ended = problem;
    for (const settle of [...this.#pending.values()]) settle({ kind: "failed", ...problem });
    for (const pong of [...this.#pongs.values()]) pong(false);
  }
}
