// The student's policy file (services/app/policy/cors-policy.ts), run in a sandbox and loaded again
// whenever its text changes. A file that does not load is reported and the previous policy stays in
// force; a policy that fails on a request fails that request alone, with its mistake in plain words;
// a sandbox the policy broke is replaced at the next request (issue #15).
import { basename } from "node:path";
import type { Request, RequestHandler, Response } from "express";
import { CONSOLE } from "../../../shared/src/console-contract.ts";
import type { Logger } from "../../../shared/src/log.ts";
import { pollFile, readText } from "./file-poll.ts";
import type { PolicyOutcome, PolicyProblem } from "./protocol.ts";
import { PolicySandbox, type SandboxLimits } from "./sandbox.ts";

export interface PolicyFileOptions extends SandboxLimits {
  readonly file: string;
  /** The policy while the file exports null: the CORS_* variables', or none. */
  readonly fallback: RequestHandler | undefined;
  /** Check the file for changes this often; 0 never does. */
  readonly pollMs: number;
}

/** What /policy.json and the request log say about the policy in force. */
export interface PolicyStatus {
  readonly file: string;
  /** Which policy answers: the file's, the CORS_* variables' (the file exports null), or none. */
  readonly source: "file" | "env" | "none";
  /** Loads of the file so far. */
  readonly version: number;
  readonly loadedAt: string | undefined;
  /** Why the file's latest version did not load, when it did not. */
  readonly notLoaded: PolicyProblem | undefined;
}

/** The plain-text answer for a request the policy failed; also what the request log records. */
export function failureText(file: string, { problem, where }: PolicyProblem): string {
  return `Your CORS policy (${basename(file)}) failed on this request: ${problem}${where ? ` (${where})` : ""}.`;
}

const IGNORED_ANSWER_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

export class PolicyFile {
  readonly #options: PolicyFileOptions;
  readonly #log: Logger;
  #sandbox: PolicySandbox | undefined;
  #respawning: Promise<PolicySandbox | undefined> | undefined;
  /** The first load, which requests wait for; later loads happen while the policy in force answers. */
  readonly #firstLoad: Promise<void>;
  #reloads: Promise<void>;
  /** The file's text as last read for a load, done or queued: a change is a text that differs. */
  #seenText: string | undefined;
  #status: PolicyStatus;
  /** Failures already in the log for this version: a broken policy is reported once, not per request. */
  #reported = new Set<string>();
  readonly #stopPolling: () => void;

  constructor(options: PolicyFileOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#status = {
      file: basename(options.file),
      source: options.fallback ? "env" : "none",
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

  status(): PolicyStatus {
    return this.#status;
  }

  /** Applies the policy in force: the sandboxed file's, or the fallback while the file exports null. */
  middleware(): RequestHandler {
    return async (req, res, next) => {
      await this.#firstLoad;
      if (this.#sandbox === undefined) {
        if (this.#options.fallback) this.#options.fallback(req, res, next);
        else next();
        return;
      }
      const sandbox = this.#sandbox.ended ? await this.#respawn() : this.#sandbox;
      const outcome: PolicyOutcome = sandbox
        ? await sandbox.run({ method: req.method, url: req.originalUrl, headers: req.headers })
        : {
            kind: "failed",
            ...(this.#status.notLoaded ?? { problem: "its sandbox could not be started again" }),
          };
      this.#apply(outcome, req, res, next);
    };
  }

  async close(): Promise<void> {
    this.#stopPolling();
    await this.#reloads;
    await this.#sandbox?.close();
  }

  async #load(): Promise<void> {
    const { file } = this.#options;
    this.#seenText ??= await readText(file);
    const version = this.#status.version + 1;
    const sandbox = new PolicySandbox(file, this.#options, (problem) => this.#report(problem, "stray"));
    const loaded = await sandbox.loaded;
    if (loaded.exported === "nothing") {
      const { exported: _, ...problem } = loaded;
      this.#status = { ...this.#status, version, notLoaded: problem };
      this.#log.error("CORS policy file not loaded; the previous policy stays in force", {
        file: basename(file),
        reason: problem.problem,
        where: problem.where,
      });
      return;
    }
    const previous = this.#sandbox;
    this.#sandbox = loaded.exported === "middleware" ? sandbox : undefined;
    if (loaded.exported === "null") void sandbox.close();
    // Requests the previous version still holds may finish before it goes.
    if (previous) setTimeout(() => void previous.close(), this.#options.timeoutMs).unref();
    const source = loaded.exported === "middleware" ? "file" : this.#options.fallback ? "env" : "none";
    this.#status = {
      ...this.#status,
      source,
      version,
      loadedAt: new Date().toISOString(),
      notLoaded: undefined,
    };
    this.#reported = new Set();
    this.#log.info("CORS policy loaded", {
      file: basename(file),
      policy: source === "file" ? "from the file" : source === "env" ? "from .env" : "none",
    });
  }

  /** A fresh sandbox for the version in force, after the policy broke the last one. */
  #respawn(): Promise<PolicySandbox | undefined> {
    this.#respawning ??= (async () => {
      const sandbox = new PolicySandbox(this.#options.file, this.#options, (problem) =>
        this.#report(problem, "stray"),
      );
      const loaded = await sandbox.loaded;
      this.#respawning = undefined;
      if (loaded.exported !== "middleware") return undefined;
      this.#sandbox = sandbox;
      return sandbox;
    })();
    return this.#respawning;
  }

  #apply(outcome: PolicyOutcome, req: Request, res: Response, next: () => void): void {
    if (outcome.kind === "failed") {
      this.#fail(outcome, req, res);
      return;
    }
    try {
      for (const [name, value] of outcome.headers) {
        if (!(outcome.kind === "answered" && IGNORED_ANSWER_HEADERS.has(name.toLowerCase()))) {
          res.setHeader(name, value);
        }
      }
    } catch (error) {
      this.#fail({ problem: `it set a header the app cannot send: ${(error as Error).message}` }, req, res);
      return;
    }
    if (outcome.kind === "next") next();
    else res.status(outcome.status).send(outcome.body);
  }

  #fail(problem: PolicyProblem, req: Request, res: Response): void {
    this.#report(problem, req.originalUrl);
    const text = failureText(this.#options.file, problem);
    res.locals.policyFailure = text;
    res
      .status(500)
      // Same-origin pages can read it; the request console uses it to tell this apart from CORS.
      .set(CONSOLE.policyFailureHeader, text.replace(/[^\x20-\x7e]/g, "?"))
      .type("text/plain")
      .send(
        `${text}\nThe lab itself is fine: fix the file and save it; the app picks it up within a second.\n`,
      );
  }

  #report(problem: PolicyProblem, path: string): void {
    const key = `${problem.problem}|${problem.where}`;
    if (this.#reported.has(key) || this.#reported.size > 100) return;
    this.#reported.add(key);
    this.#log.error("your CORS policy failed", { problem: problem.problem, where: problem.where, path });
  }
}
