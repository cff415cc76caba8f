// The student's policy file, each version in a thread of its own, loaded again whenever its text
// changes. A file that does not load is reported and the previous version stays in force; a policy
// that fails on a request fails that request alone, with its mistake in plain words; a thread the
// policy broke is replaced at once (issue #15). Each thread that serves gets a number, which the app
// is told before the thread connects to it; when a thread ends, the app is told why.
import { basename } from "node:path";
import type { Logger } from "../../shared/src/log.ts";
import type { PolicyProblem, SandboxStatus } from "../../shared/src/policy-protocol.ts";
import { pollFile, readText } from "./file-poll.ts";
import { PolicyThread, type ThreadLimits } from "./policy-thread.ts";

export interface PolicyFileOptions extends ThreadLimits {
  readonly file: string;
  /** Check the file for changes this often; 0 never does. */
  readonly pollMs: number;
  /** Where the threads serve: the app's socket, and the sandbox they belong to. */
  readonly socket: string;
  readonly sandbox: string;
}

export interface ThreadEvents {
  /** Thread `thread` is about to serve: the app must know it before it connects. */
  serving(thread: number): void;
  /** Thread `thread` has ended: the requests it held fail with `problem`. */
  ended(thread: number, problem: PolicyProblem): void;
}

export class PolicyFile {
  readonly #options: PolicyFileOptions;
  readonly #log: Logger;
  /** The thread of the version in force, and its number; undefined while the file exports null. */
  #current: { readonly thread: PolicyThread; readonly number: number } | undefined;
  /** Threads that serve or still finish their requests, by number. */
  readonly #live = new Map<number, PolicyThread>();
  #threads = 0;
  #events: ThreadEvents = { serving: () => {}, ended: () => {} };
  /** The first load, which the link waits for; later loads happen while the version in force answers. */
  readonly #firstLoad: Promise<void>;
  #reloads: Promise<void>;
  /** The file's text as last read for a load, done or queued: a change is a text that differs. */
  #seenText: string | undefined;
  #status: SandboxStatus;
  readonly #listeners = new Set<(status: SandboxStatus) => void>();
  /** Failures already in the log for this version: a broken policy is reported once, not per request. */
  #reported = new Set<string>();
  readonly #stopPolling: () => void;
  #closed = false;

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

  /** The numbers of the threads that serve or still finish their requests, the version in force's last. */
  liveThreads(): number[] {
    return [...this.#live.keys()].sort((a, b) => a - b);
  }

  /** Who hears of the threads (the sandbox's link to the app); set once, before anything serves. */
  tellThreadsTo(events: ThreadEvents): void {
    this.#events = events;
  }

  /** `listener` hears every new status (a load, a failed load). */
  onStatus(listener: (status: SandboxStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Ends every thread with `problem` (the memory watch's verdict, say): another starts at once. */
  endAll(problem: PolicyProblem): void {
    for (const thread of this.#live.values()) void thread.close(problem);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopPolling();
    await this.#reloads;
    await Promise.all([...this.#live.values()].map((thread) => thread.close()));
  }

  #setStatus(status: SandboxStatus): void {
    this.#status = status;
    for (const listener of this.#listeners) listener(status);
  }

  #newThread(): PolicyThread {
    return new PolicyThread(this.#options.file, this.#options, (problem, path) =>
      this.#report(problem, path),
    );
  }

  /** Has `thread` serve under a number of its own, and be replaced when it ends while in force. */
  #serve(thread: PolicyThread): void {
    const number = ++this.#threads;
    this.#live.set(number, thread);
    this.#current = { thread, number };
    this.#events.serving(number);
    thread.onEnd((problem) => {
      this.#live.delete(number);
      this.#events.ended(number, problem);
      // A thread the policy broke while in force: said once, and replaced. (A retired one just goes.)
      if (this.#current?.number !== number || this.#closed) return;
      this.#report(problem, "");
      void this.#respawn();
    });
    thread.serve(this.#options.socket, this.#options.sandbox, number);
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
    const previous = this.#current;
    this.#reported = new Set();
    if (loaded.exported === "middleware") this.#serve(thread);
    else {
      this.#current = undefined;
      void thread.close();
    }
    // Requests the previous version still holds may finish before it goes.
    if (previous) {
      setTimeout(() => void previous.thread.close(), this.#options.timeoutMs).unref();
    }
    this.#setStatus({
      file: basename(file),
      exported: loaded.exported,
      version,
      loadedAt: new Date().toISOString(),
      notLoaded: undefined,
    });
    this.#log.info("CORS policy loaded", {
      file: basename(file),
      policy: loaded.exported === "middleware" ? "from the file" : "null: the CORS_* variables'",
    });
  }

  /** A fresh thread for the version in force, after the policy broke the last one. */
  async #respawn(): Promise<void> {
    const thread = this.#newThread();
    const loaded = await thread.loaded;
    if (this.#closed || loaded.exported !== "middleware") {
      void thread.close();
      return;
    }
    this.#serve(thread);
  }

  /** Says a policy's failure in the log, once per version: `path` is the request's, or "stray". */
  #report(problem: PolicyProblem, path: string): void {
    const key = `${problem.problem}|${problem.where}`;
    if (this.#reported.has(key) || this.#reported.size > 100) return;
    this.#reported.add(key);
    this.#log.error("your CORS policy failed", { problem: problem.problem, where: problem.where, path });
  }
}
