// The student's policy file, each version in a thread of its own, loaded again whenever its text
// changes. A file that does not load is reported and the previous version stays in force; a policy
// that fails on a request fails that request alone, with its mistake in plain words; a thread the
// policy broke is replaced at the next request (issue #15). What the app is told: the status, and
// each request's outcome.
import { basename } from "node:path";
import type { Logger } from "../../shared/src/log.ts";
import type {
  PolicyOutcome,
  PolicyProblem,
  PolicyRequest,
  SandboxStatus,
} from "../../shared/src/policy-protocol.ts";
import { pollFile, readText } from "./file-poll.ts";
import { PolicyThread, type ThreadLimits } from "./policy-thread.ts";

export interface PolicyFileOptions extends ThreadLimits {
  readonly file: string;
  /** Check the file for changes this often; 0 never does. */
  readonly pollMs: number;
}

export class PolicyFile {
  readonly #options: PolicyFileOptions;
  readonly #log: Logger;
  #thread: PolicyThread | undefined;
  /** Threads of earlier versions, still finishing the requests they hold. */
  readonly #retiring = new Set<PolicyThread>();
  #respawning: Promise<PolicyThread | undefined> | undefined;
  /** The first load, which requests wait for; later loads happen while the version in force answers. */
  readonly #firstLoad: Promise<void>;
  #reloads: Promise<void>;
  /** The file's text as last read for a load, done or queued: a change is a text that differs. */
  #seenText: string | undefined;
  #status: SandboxStatus;
  readonly #listeners = new Set<(status: SandboxStatus) => void>();
  /** Failures already in the log for this version: a broken policy is reported once, not per request. */
  #reported = new Set<string>();
  readonly #stopPolling: () => void;

  constructor(options: PolicyFileOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#status = {
      file: basename(options.file),
      exported: "nothing",
      version: 0,
      loadedAt: undefined,
      notLoaded: undefined,
    };
    this.#firstLoad = this.#load();
    this.#reloads = this.#firstLoad;
    this.#stopPolling =
      options.pollMs > 0
        ? pollFile(options.file, options.pollMs, (text) => {
            if (text === this.#seenText) return;
            this.#seenText = text;
            this.#reloads = this.#reloads.then(() => this.#load());
          })
        : () => {};
  }

  /** Resolves once the file's first version has loaded, or failed to. */
  get ready(): Promise<void> {
    return this.#firstLoad;
  }

  status(): SandboxStatus {
    return this.#status;
  }

  /** `listener` hears every new status (a load, a failed load). */
  onStatus(listener: (status: SandboxStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs the version in force on one request: what it decided, or what went wrong. */
  async run(request: PolicyRequest): Promise<PolicyOutcome> {
    await this.#firstLoad;
    if (this.#thread === undefined) return { kind: "null" };
    const thread = this.#thread.ended ? await this.#respawn() : this.#thread;
    const outcome: PolicyOutcome = thread
      ? await thread.run(request)
      : {
          kind: "failed",
          ...(this.#status.notLoaded ?? { problem: "its thread could not be started again" }),
        };
    if (outcome.kind === "failed") this.#report(outcome, request.url);
    return outcome;
  }

  /** Ends every thread with `problem` (the memory watch's verdict, say): the next request starts another. */
  endAll(problem: PolicyProblem): void {
    for (const thread of [this.#thread, ...this.#retiring]) void thread?.close(problem);
  }

  async close(): Promise<void> {
    this.#stopPolling();
    await this.#reloads;
    await Promise.all([this.#thread, ...this.#retiring].map((thread) => thread?.close()));
  }

  #setStatus(status: SandboxStatus): void {
    this.#status = status;
    for (const listener of this.#listeners) listener(status);
  }

  #newThread(): PolicyThread {
    return new PolicyThread(this.#options.file, this.#options, (problem) => this.#report(problem, "stray"));
  }

  async #load(): Promise<void> {
    const { file } = this.#options;
    this.#seenText ??= await readText(file);
    const version = this.#status.version + 1;
    const thread = this.#newThread();
    const loaded = await thread.loaded;
    if (loaded.exported === "nothing") {
      const { exported: _, ...problem } = loaded;
      this.#setStatus({ ...this.#status, version, notLoaded: problem });
      this.#log.error("CORS policy file not loaded; the previous policy stays in force", {
        file: basename(file),
        reason: problem.problem,
        where: problem.where,
      });
      return;
    }
    const previous = this.#thread;
    this.#thread = loaded.exported === "middleware" ? thread : undefined;
    if (loaded.exported === "null") void thread.close();
    // Requests the previous version still holds may finish before it goes.
    if (previous) {
      this.#retiring.add(previous);
      setTimeout(() => {
        this.#retiring.delete(previous);
        void previous.close();
      }, this.#options.timeoutMs).unref();
    }
    this.#setStatus({
      file: basename(file),
      exported: loaded.exported,
      version,
      loadedAt: new Date().toISOString(),
      notLoaded: undefined,
    });
    this.#reported = new Set();
    this.#log.info("CORS policy loaded", {
      file: basename(file),
      policy: loaded.exported === "middleware" ? "from the file" : "null: the CORS_* variables'",
    });
  }

  /** A fresh thread for the version in force, after the policy broke the last one. */
  #respawn(): Promise<PolicyThread | undefined> {
    this.#respawning ??= (async () => {
      const thread = this.#newThread();
      const loaded = await thread.loaded;
      this.#respawning = undefined;
      if (loaded.exported !== "middleware") return undefined;
      this.#thread = thread;
      return thread;
    })();
    return this.#respawning;
  }

  #report(problem: PolicyProblem, path: string): void {
    const key = `${problem.problem}|${problem.where}`;
    if (this.#reported.has(key) || this.#reported.size > 100) return;
    this.#reported.add(key);
    this.#log.error("your CORS policy failed", { problem: problem.problem, where: problem.where, path });
  }
}
