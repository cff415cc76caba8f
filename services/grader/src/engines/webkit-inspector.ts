// A client of WebKitGTK's remote Web Inspector, the one way to learn *why* WebKit blocked a request:
// its WebDriver only says "Load failed" (issue #14). With WEBKIT_INSPECTOR_HTTP_SERVER set, the UI
// process serves an HTML list of inspectable pages at `/` (there is no JSON list, unlike Chromium)
// whose links hold `/socket/<connection>/<target>/WebPage`; the socket speaks the Web Inspector
// protocol, multiplexed by target (WebKit's Source/JavaScriptCore/inspector/protocol/Target.json).
// A cross-site navigation swaps the web process and with it the page target: every new target is
// paused at its start, given the domains it needs, and resumed, as Web Inspector's own
// TargetManager.js does, so that no event of the new page is missed.
import { eventually, retryUntil } from "../../../shared/src/retry.ts";

type Params = Record<string, unknown>;
type Listener = (params: Params) => void;

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Params;
  readonly result?: Params;
  readonly error?: { readonly message?: string };
}

interface TargetInfo {
  readonly targetId: string;
  readonly type: string;
  readonly isProvisional?: boolean;
  readonly isPaused?: boolean;
}

/** The domains each page target gets before it runs: the requests, the load, and evaluation. */
const PAGE_DOMAINS = ["Network.enable", "Page.enable", "Runtime.enable"] as const;

export class InspectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InspectorError";
  }
}

/**
 * A page's socket address in the inspector's HTML list (a table row per page: its URL, then its
 * link), once the browser lists one: with a `marker`, the page whose URL it is, once listed (the
 * browser on that address is the one started for it, not another program that took the port
 * first; and of a browser's several windows, the one asked for); without, the first page.
 */
async function pageSocket(address: string, timeoutMs: number, marker?: string): Promise<string> {
  const link = await retryUntil(
    async () => {
      const html = await fetch(`http://${address}/`)
        .then((answer) => answer.text())
        .catch(() => "");
      const row = html
        .split("<tr>")
        .slice(1)
        .find((each) => marker === undefined || each.includes(marker));
      return row === undefined ? undefined : /\/socket\/\d+\/\d+\/WebPage/.exec(row)?.[0];
    },
    (found) => found !== undefined,
    { timeoutMs, intervalMs: 50 },
  );
  if (link === undefined) {
    throw new InspectorError(
      `WebKit's inspector at http://${address}/ listed no page within ${timeoutMs} ms`,
    );
  }
  return `ws://${address}${link}`;
}

export class InspectorSession {
  readonly #socket: WebSocket;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, { resolve(result: Params): void; reject(error: Error): void }>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #nextId = 1;
  /** The committed page target that commands go to. */
  #page: string | undefined;
  #closed: string | undefined;

  private constructor(socket: WebSocket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.addEventListener("message", (event) => {
      // Anything but the protocol's JSON is not for us; a throw here would end the grader.
      let message: Message;
      try {
        message = JSON.parse(String(event.data)) as Message;
      } catch {
        return;
      }
      this.#receive(message);
    });
    socket.addEventListener("close", () => this.#fail("the inspector's socket closed"));
    socket.addEventListener("error", () => this.#fail("the inspector's socket failed"));
  }

  /**
   * Connects to the page the browser at `address` shows (the one whose list shows `marker`, when
   * given), and waits until its target is ready.
   */
  static async connect(address: string, timeoutMs: number, marker?: string): Promise<InspectorSession> {
    const url = await pageSocket(address, timeoutMs, marker);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new InspectorError(`cannot open ${url}`)), {
        once: true,
      });
    });
    const session = new InspectorSession(socket, timeoutMs);
    await session.#call("Target.setPauseOnStart", { pauseOnStart: true });
    const ready = await eventually(async () => session.#page !== undefined, { timeoutMs, intervalMs: 20 });
    if (!ready) {
      session.close();
      throw new InspectorError(`WebKit's inspector gave no page target within ${timeoutMs} ms`);
    }
    return session;
  }

  /**
   * Sends a command to the page's current target and resolves with its result, within `limitMs`
   * (the session's time limit unless given).
   */
  send(method: string, params: Params = {}, limitMs = this.#timeoutMs): Promise<Params> {
    const page = this.#page;
    if (page === undefined) return Promise.reject(new InspectorError("no page target"));
    return this.#toTarget(page, method, params, limitMs);
  }

  /** Calls `listener` with the params of every `event` of the page (whichever target it is on). */
  on(event: string, listener: Listener): void {
    const listeners = this.#listeners.get(event) ?? new Set();
    listeners.add(listener);
    this.#listeners.set(event, listeners);
  }

  close(): void {
    this.#socket.close();
  }

  #call(method: string, params: Params): Promise<Params> {
    return this.#await(method, this.#timeoutMs, (id) =>
      this.#socket.send(JSON.stringify({ id, method, params })),
    );
  }

  #toTarget(targetId: string, method: string, params: Params, limitMs = this.#timeoutMs): Promise<Params> {
    return this.#await(method, limitMs, (id, reject) => {
      const message = JSON.stringify({ id, method, params });
      this.#call("Target.sendMessageToTarget", { targetId, message }).catch(reject);
    });
  }

  /**
   * A command's answer, by its id. A command to a target that goes away (a navigation swapped the
   * process) is never answered, so every command has a time limit.
   */
  #await(
    method: string,
    limitMs: number,
    send: (id: number, reject: (error: Error) => void) => void,
  ): Promise<Params> {
    if (this.#closed !== undefined) return Promise.reject(new InspectorError(this.#closed));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new InspectorError(`${method} got no answer within ${limitMs} ms`));
      }, limitMs);
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          then(value);
        };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      send(id, settle(reject));
    });
  }

  #receive(message: Message): void {
    if (message.id !== undefined) {
      this.#settle(message);
      return;
    }
    const params = message.params ?? {};
    switch (message.method) {
      case "Target.targetCreated":
        void this.#prepare(params.targetInfo as TargetInfo);
        return;
      case "Target.didCommitProvisionalTarget":
        this.#page = params.newTargetId as string;
        return;
      case "Target.dispatchMessageFromTarget": {
        let inner: Message;
        try {
          inner = JSON.parse(params.message as string) as Message;
        } catch {
          return;
        }
        if (inner.id !== undefined) this.#settle(inner);
        else if (inner.method !== undefined) {
          for (const listener of this.#listeners.get(inner.method) ?? []) listener(inner.params ?? {});
        }
        return;
      }
    }
  }

  /**
   * A new page target: its domains enabled before it runs a line, then resumed, whatever the domains
   * answered (a paused target left paused would never load its page).
   */
  async #prepare(target: TargetInfo): Promise<void> {
    if (target.type !== "page") return;
    await Promise.allSettled(PAGE_DOMAINS.map((method) => this.#toTarget(target.targetId, method, {})));
    if (target.isPaused)
      await this.#call("Target.resume", { targetId: target.targetId }).catch(() => undefined);
    if (!target.isProvisional) this.#page ??= target.targetId;
  }

  #settle(message: Message): void {
    const waiting = this.#pending.get(message.id as number);
    if (waiting === undefined) return;
    this.#pending.delete(message.id as number);
    if (message.error) waiting.reject(new InspectorError(message.error.message ?? "inspector error"));
    else waiting.resolve(message.result ?? {});
  }

  #fail(reason: string): void {
    this.#closed ??= reason;
    for (const waiting of this.#pending.values()) waiting.reject(new InspectorError(reason));
    this.#pending.clear();
  }
}
