// The app's end of its link to the policy sandbox (issue #19). The student's policy never runs in the
// app: it runs in the `policy` service, a container with no network, and the app hands it each API
// request's method, URL and headers over a Unix socket in a volume the two share, then applies what
// comes back. The app listens, the sandbox connects: its main thread on a control connection (which
// sandbox, how the file stands, which thread serves, which ended and why), and each version's thread
// on a connection of its own, which the requests go to. One sandbox at a time: the first one linked
// keeps the link, and only the threads it names are heard. Whatever the sandbox sends is checked
// before it is used: it runs a stranger's code.
import { unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Request, RequestHandler, Response } from "express";
import { CONSOLE } from "../../shared/src/console-contract.ts";
import type { Logger } from "../../shared/src/log.ts";
import { batchedWriter, encodeMessage, lineReader, parseLine } from "../../shared/src/policy-lines.ts";
import {
  type FromSandbox,
  type HeaderList,
  type LinkedPolicyStatus,
  type PolicyOutcome,
  type PolicyProblem,
  readSandboxMessage,
  type SandboxInfo,
  type SandboxStatus,
  type ToSandbox,
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

/** How long a new connection has to say what it is. */
const HELLO_MS = 2_000;
/** Beyond the policy's own time limit, how long the sandbox has to answer with its verdict. */
const GRACE_MS = 2_000;
/**
 * How long the requests of a thread whose connection closed wait for the sandbox to say why the
 * thread ended (its main thread says so on the control connection, which may arrive second).
 */
const WHY_MS = 1_000;

const IGNORED_ANSWER_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

/** A thread's connection: the requests go there, each waiting for its outcome. */
interface Serving {
  readonly thread: number;
  readonly socket: Socket;
  readonly write: (line: string) => void;
  readonly pending: Map<number, (outcome: PolicyOutcome) => void>;
}

interface Linked {
  readonly control: Socket;
  readonly info: SandboxInfo;
  status: SandboxStatus | undefined;
  /** The threads the sandbox named, with their connection once they made it. */
  readonly threads: Map<number, Serving | undefined>;
  /** The newest thread named: the only one new requests go to (older ones run older versions). */
  newest: number;
  /** Why each thread ended, as the sandbox said. */
  readonly ended: Map<number, PolicyProblem>;
}

export class PolicyLink {
  readonly #options: PolicyLinkOptions;
  readonly #log: Logger;
  readonly #server: Server;
  #linked: Linked | undefined;
  #nextId = 0;
  /** Requests waiting for a sandbox with a loaded file and a thread that serves. */
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
      const ready = await this.#ready();
      if (ready === undefined) {
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
      if (ready === "fallback") {
        if (this.#options.fallback) this.#options.fallback(req, res, next);
        else next();
        return;
      }
      const outcome = await this.#run(ready, req);
      if (outcome.kind === "null") {
        if (this.#options.fallback) this.#options.fallback(req, res, next);
        else next();
        return;
      }
      this.#apply(outcome, res, next);
    };
  }

  async close(): Promise<void> {
    this.#linked?.control.destroy();
    for (const serving of this.#linked?.threads.values() ?? []) serving?.socket.destroy();
    for (const wake of this.#waiting) wake();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * The newest thread the sandbox named, once it has connected (until then the requests wait: an
   * older thread serves an older version of the file); "fallback" while the file exports null;
   * undefined while there is none.
   */
  #current(): Serving | "fallback" | undefined {
    const linked = this.#linked;
    if (linked?.status === undefined || linked.status.version === 0) return undefined;
    if (linked.status.exported !== "middleware") return "fallback";
    return linked.threads.get(linked.newest);
  }

  async #ready(): Promise<Serving | "fallback" | undefined> {
    const now = this.#current();
    if (now !== undefined) return now;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.#options.waitMs);
      this.#waiting.add(wake);
    });
    return this.#current();
  }

  #wakeWaiting(): void {
    if (this.#current() === undefined) return;
    for (const wake of [...this.#waiting]) wake();
  }

  #accept(socket: Socket): void {
    socket.on("error", () => socket.destroy());
    const hello = setTimeout(() => socket.destroy(), HELLO_MS);
    const cut = (why: string) => {
      this.#log.error("cut a link from the policy sandbox", { why });
      socket.destroy();
    };
    /** What this connection turned out to be, once it said. */
    let role: { kind: "control"; linked: Linked } | { kind: "serving"; serving: Serving } | undefined;
    socket.on(
      "data",
      lineReader(
        (line) => {
          const message = readSandboxMessage(parseLine(line));
          if (message === undefined) return cut("a message that is not one the sandbox sends");
          if (role === undefined) {
            clearTimeout(hello);
            role = this.#introduce(socket, message, cut);
            return;
          }
          if (role.kind === "serving") {
            if (message.type !== "outcome") return cut(`a thread sent ${message.type}`);
            role.serving.pending.get(message.id)?.(message.outcome);
            return;
          }
          this.#onControl(role.linked, message, cut);
        },
        () => cut("a message longer than the protocol allows"),
      ),
    );
    socket.on("close", () => {
      clearTimeout(hello);
      if (role?.kind === "control") this.#controlClosed(role.linked);
      else if (role?.kind === "serving") this.#servingClosed(role.serving);
    });
  }

  /** A new connection's first message: a health check, the sandbox's control, or one of its threads. */
  #introduce(
    socket: Socket,
    message: FromSandbox,
    cut: (why: string) => void,
  ): { kind: "control"; linked: Linked } | { kind: "serving"; serving: Serving } | undefined {
    if (message.type === "health") {
      const loaded = (this.#linked?.status?.version ?? 0) > 0;
      const answer: ToSandbox = { type: "health", linked: this.#linked !== undefined, loaded };
      socket.end(encodeMessage(answer));
      return undefined;
    }
    if (message.type === "hello") {
      // The sandbox linked already keeps the link: a second one is the policy's own doing.
      if (this.#linked !== undefined) {
        this.#log.error("refused a second link from the policy sandbox");
        socket.destroy();
        return undefined;
      }
      const linked: Linked = {
        control: socket,
        info: message.sandbox,
        status: undefined,
        threads: new Map(),
        newest: 0,
        ended: new Map(),
      };
      this.#linked = linked;
      this.#log.info("policy sandbox linked", { sandbox: message.sandbox.id });
      return { kind: "control", linked };
    }
    if (message.type === "serve") {
      const linked = this.#linked;
      // Only a thread the linked sandbox named, and only once.
      if (
        linked === undefined ||
        message.sandbox !== linked.info.id ||
        !linked.threads.has(message.thread) ||
        linked.threads.get(message.thread) !== undefined
      ) {
        socket.destroy();
        return undefined;
      }
      const serving: Serving = {
        thread: message.thread,
        socket,
        write: batchedWriter(socket),
        pending: new Map(),
      };
      linked.threads.set(message.thread, serving);
      this.#wakeWaiting();
      return { kind: "serving", serving };
    }
    cut(`it began with ${message.type}`);
    return undefined;
  }

  #onControl(linked: Linked, message: FromSandbox, cut: (why: string) => void): void {
    switch (message.type) {
      case "status":
        linked.status = message.status;
        this.#lastStatus = message.status;
        this.#wakeWaiting();
        return;
      case "thread":
        if (!linked.threads.has(message.thread)) linked.threads.set(message.thread, undefined);
        linked.newest = Math.max(linked.newest, message.thread);
        return;
      case "ended": {
        const { type: _, thread, ...problem } = message;
        linked.ended.set(thread, problem);
        const serving = linked.threads.get(thread);
        linked.threads.delete(thread);
        if (serving) this.#failAll(serving, problem);
        serving?.socket.destroy();
        return;
      }
      default:
        cut(`the sandbox sent ${message.type} once linked`);
    }
  }

  #controlClosed(linked: Linked): void {
    if (this.#linked !== linked) return;
    this.#linked = undefined;
    this.#log.error("the policy sandbox went away", { sandbox: linked.info.id });
    for (const serving of linked.threads.values()) {
      if (serving === undefined) continue;
      this.#failAll(serving, { problem: "the lab's policy sandbox stopped while it ran this request" });
      serving.socket.destroy();
    }
  }

  /** A thread's connection closed: its requests fail with the reason the sandbox gives, or a plain one. */
  #servingClosed(serving: Serving): void {
    const linked = this.#linked;
    if (linked?.threads.get(serving.thread) === serving) linked.threads.delete(serving.thread);
    if (serving.pending.size === 0) return;
    const why = () =>
      linked?.ended.get(serving.thread) ?? {
        problem: "the lab's policy sandbox stopped while it ran this request",
      };
    if (linked?.ended.has(serving.thread)) this.#failAll(serving, why());
    else setTimeout(() => this.#failAll(serving, why()), WHY_MS).unref();
  }

  #failAll(serving: Serving, problem: PolicyProblem): void {
    for (const settle of [...serving.pending.values()]) settle({ kind: "failed", ...problem });
  }

  #run(serving: Serving, req: Request): Promise<PolicyOutcome> {
    const id = ++this.#nextId;
    const limitMs = (this.#linked?.info.timeoutMs ?? 0) + GRACE_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          serving.pending.get(id)?.({
            kind: "failed",
            problem: `the lab's policy sandbox gave no verdict within ${limitMs} ms`,
          }),
        limitMs,
      );
      serving.pending.set(id, (outcome) => {
        clearTimeout(timer);
        serving.pending.delete(id);
        resolve(outcome);
      });
      const message: ToSandbox = {
        type: "run",
        id,
        request: { method: req.method, url: req.originalUrl, headers: req.headers },
      };
      serving.write(encodeMessage(message));
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
