// The app's end of its link to the policy sandbox (issue #19). The student's policy never runs in the
// app: it runs in the `policy` service, a container with no network, and the app hands it each API
// request's method, URL and headers over a Unix socket in a volume the two share, then applies what
// comes back. The app listens, the sandbox connects; one sandbox at a time, the first one linked
// keeps the link. Whatever the sandbox sends is checked before it is used: it runs a stranger's code.
import { unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Request, RequestHandler, Response } from "express";
import { CONSOLE } from "../../shared/src/console-contract.ts";
import type { Logger } from "../../shared/src/log.ts";
import {
  encodeMessage,
  type HeaderList,
  type LinkedPolicyStatus,
  lineReader,
  type PolicyOutcome,
  type PolicyProblem,
  readSandboxMessage,
  type SandboxInfo,
  type SandboxStatus,
} from "../../shared/src/policy-protocol.ts";

export interface PolicyLinkOptions {
  /** The Unix socket the app listens on for the sandbox. */
  readonly socket: string;
  /** The policy while the file exports null (or never loaded): the CORS_* variables', or none. */
  readonly fallback: RequestHandler | undefined;
  /** How long a request waits for a sandbox that is not linked yet before it fails, named. */
  readonly waitMs: number;
}

/** The plain-text answer for a request the policy failed; also what the request log records. */
export function failureText(file: string, { problem, where }: PolicyProblem): string {
  return `Your CORS policy (${file}) failed on this request: ${problem}${where ? ` (${where})` : ""}.`;
}

/** How long a new connection has to say which sandbox it is. */
const HELLO_MS = 2_000;
/** Beyond the policy's own time limit, how long the sandbox has to answer with its verdict. */
const GRACE_MS = 2_000;

const IGNORED_ANSWER_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

interface Linked {
  readonly socket: Socket;
  readonly info: SandboxInfo;
  status: SandboxStatus | undefined;
}

export class PolicyLink {
  readonly #options: PolicyLinkOptions;
  readonly #log: Logger;
  readonly #server: Server;
  #linked: Linked | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, (outcome: PolicyOutcome) => void>();
  /** Requests waiting for a sandbox with a loaded file. */
  readonly #waiting = new Set<() => void>();
  /** What the last sandbox said, kept for /policy.json while none is linked. */
  #lastStatus: SandboxStatus | undefined;

  constructor(options: PolicyLinkOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Listens on the socket, replacing one a previous run of the app left behind. */
  async listen(): Promise<void> {
    await unlink(this.#options.socket).catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#options.socket, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
  }

  status(): LinkedPolicyStatus {
    const status = this.#linked?.status ?? this.#lastStatus;
    const fallback = this.#options.fallback ? "env" : "none";
    return {
      file: status?.file ?? "cors-policy.ts",
      source: status?.exported === "middleware" ? "file" : fallback,
      version: status?.version ?? 0,
      loadedAt: status?.loadedAt,
      notLoaded: status?.notLoaded,
      sandbox: this.#linked
        ? { linked: true, id: this.#linked.info.id, startedAt: this.#linked.info.startedAt }
        : { linked: false },
    };
  }

  /** Applies the policy in force: the sandbox's, or the fallback while the file exports null. */
  middleware(): RequestHandler {
    return async (req, res, next) => {
      const linked = await this.#ready();
      if (linked === undefined) {
        this.#fail(
          {
            problem:
              "the lab's policy sandbox is not running, so no policy could decide: start it with `docker compose up -d policy`",
          },
          res,
          503,
        );
        return;
      }
      if (linked.status?.exported !== "middleware") return this.#fallback(req, res, next);
      const outcome = await this.#run(linked, req);
      if (outcome.kind === "null") return this.#fallback(req, res, next);
      this.#apply(outcome, res, next);
    };
  }

  async close(): Promise<void> {
    this.#linked?.socket.destroy();
    for (const wake of this.#waiting) wake();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #fallback(req: Request, res: Response, next: () => void): void {
    if (this.#options.fallback) this.#options.fallback(req, res, next);
    else next();
  }

  /** The linked sandbox once it has loaded the file, waiting up to `waitMs` for one. */
  async #ready(): Promise<Linked | undefined> {
    const ready = () => (this.#linked?.status && this.#linked.status.version > 0 ? this.#linked : undefined);
    if (ready()) return ready();
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.#options.waitMs);
      this.#waiting.add(wake);
    });
    return ready();
  }

  #accept(socket: Socket): void {
    socket.on("error", () => socket.destroy());
    let linked: Linked | undefined;
    const hello = setTimeout(() => socket.destroy(), HELLO_MS);
    const cut = (why: string) => {
      this.#log.error("cut the link to the policy sandbox", { why });
      socket.destroy();
    };
    socket.on(
      "data",
      lineReader(
        (raw) => {
          const message = readSandboxMessage(raw);
          if (message === undefined) return cut("a message that is not one the sandbox sends");
          if (linked === undefined && message.type === "health") {
            clearTimeout(hello);
            const loaded = (this.#linked?.status?.version ?? 0) > 0;
            socket.end(encodeMessage({ type: "health", linked: this.#linked !== undefined, loaded }));
            return;
          }
          if (linked === undefined) {
            if (message.type !== "hello") return cut("it did not say which sandbox it is");
            // The sandbox linked already keeps the link: a second one is the policy's own doing.
            if (this.#linked !== undefined) {
              this.#log.error("refused a second link from the policy sandbox");
              socket.destroy();
              return;
            }
            clearTimeout(hello);
            linked = { socket, info: message.sandbox, status: undefined };
            this.#linked = linked;
            this.#log.info("policy sandbox linked", { sandbox: message.sandbox.id });
            return;
          }
          if (message.type === "status") {
            linked.status = message.status;
            this.#lastStatus = message.status;
            if (message.status.version > 0) for (const wake of [...this.#waiting]) wake();
          } else if (message.type === "outcome") {
            this.#pending.get(message.id)?.(message.outcome);
          } else {
            cut(`it sent ${message.type} once linked`);
          }
        },
        () => cut(`a message longer than the protocol allows`),
      ),
    );
    socket.on("close", () => {
      clearTimeout(hello);
      if (linked === undefined || this.#linked !== linked) return;
      this.#linked = undefined;
      this.#log.error("the policy sandbox went away", { sandbox: linked.info.id });
      for (const settle of [...this.#pending.values()]) {
        settle({ kind: "failed", problem: "the lab's policy sandbox stopped while it ran this request" });
      }
    });
  }

  #run(linked: Linked, req: Request): Promise<PolicyOutcome> {
    const id = ++this.#nextId;
    const limitMs = linked.info.timeoutMs + GRACE_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          this.#pending.get(id)?.({
            kind: "failed",
            problem: `the lab's policy sandbox gave no verdict within ${limitMs} ms`,
          }),
        limitMs,
      );
      this.#pending.set(id, (outcome) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(outcome);
      });
      linked.socket.write(
        encodeMessage({
          type: "run",
          id,
          request: { method: req.method, url: req.originalUrl, headers: req.headers },
        }),
      );
    });
  }

  #apply(outcome: Exclude<PolicyOutcome, { kind: "null" }>, res: Response, next: () => void): void {
    if (outcome.kind === "failed") {
      this.#fail(outcome, res);
      return;
    }
    if (outcome.kind === "answered" && (outcome.status < 100 || outcome.status > 599)) {
      this.#fail({ problem: `it answered with status ${outcome.status}, which is not an HTTP status` }, res);
      return;
    }
    try {
      setHeaders(res, outcome.headers, outcome.kind === "answered");
    } catch (error) {
      this.#fail({ problem: `it set a header the app cannot send: ${(error as Error).message}` }, res);
      return;
    }
    if (outcome.kind === "next") next();
    else res.status(outcome.status).send(outcome.body);
  }

  #fail(problem: PolicyProblem, res: Response, status = 500): void {
    const text = failureText(this.status().file, problem);
    res.locals.policyFailure = text;
    res
      .status(status)
      // Same-origin pages can read it; the request console uses it to tell this apart from CORS.
      .set(CONSOLE.policyFailureHeader, text.replace(/[^\x20-\x7e]/g, "?"))
      .type("text/plain")
      .send(
        `${text}\nThe lab itself is fine: fix the file and save it; the lab picks it up within a second.\n`,
      );
  }
}

function setHeaders(res: Response, headers: HeaderList, answered: boolean): void {
  for (const [name, value] of headers) {
    if (!(answered && IGNORED_ANSWER_HEADERS.has(name.toLowerCase()))) res.setHeader(name, value);
  }
}
