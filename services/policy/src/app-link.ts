// The sandbox's control link to the app (issue #19): its main thread connects to the Unix socket the
// app listens on, says which sandbox it is and how the policy file stands, names each thread that is
// about to serve and says why a thread ended. The requests themselves go to the threads, on
// connections of their own (serve-app.ts). The app may start after the sandbox, or restart: the
// sandbox connects again until it is linked, and names its live threads again.
import { connect, type Socket } from "node:net";
import type { Logger } from "../../shared/src/log.ts";
import { encodeMessage } from "../../shared/src/policy-lines.ts";
import type { FromSandbox, SandboxInfo } from "../../shared/src/policy-protocol.ts";
import type { PolicyFile } from "./policy-file.ts";

/** How long to wait before connecting again to an app that is not there (yet). */
const RETRY_MS = 250;

export interface AppLink {
  /** Resolves once linked to the app (the first time). */
  readonly linked: Promise<void>;
  close(): void;
}

export function linkToApp(
  socketPath: string,
  policy: PolicyFile,
  sandbox: SandboxInfo,
  log: Logger,
): AppLink {
  let socket: Socket | undefined;
  let closed = false;
  let waitingSaid = false;
  let retry: NodeJS.Timeout | undefined;
  let settleLinked: () => void = () => {};
  const linked = new Promise<void>((resolve) => {
    settleLinked = resolve;
  });

  const send = (message: FromSandbox) => {
    if (socket?.writable && !socket.connecting) socket.write(encodeMessage(message));
  };
  const stopStatus = policy.onStatus((status) => send({ type: "status", status }));
  policy.tellThreadsTo({
    serving: (thread) => send({ type: "thread", thread }),
    ended: (thread, problem) => send({ type: "ended", thread, ...problem }),
  });

  const attempt = () => {
    if (closed) return;
    const current = connect(socketPath);
    socket = current;
    current.on("connect", () => {
      waitingSaid = false;
      log.info("linked to the app", { socket: socketPath, sandbox: sandbox.id });
      send({ type: "hello", sandbox });
      send({ type: "status", status: policy.status() });
      for (const thread of policy.liveThreads()) send({ type: "thread", thread });
      settleLinked();
    });
    // The app says nothing on this link but to a health check's question, which is not this one.
    current.on("data", () => undefined);
    current.on("error", (error: NodeJS.ErrnoException) => {
      if (!waitingSaid)
        log.info("waiting for the app", { socket: socketPath, reason: error.code ?? error.message });
      waitingSaid = true;
    });
    current.on("close", () => {
      if (closed || current !== socket) return;
      socket = undefined;
      retry = setTimeout(attempt, RETRY_MS);
    });
  };
  attempt();

  return {
    linked,
    close: () => {
      closed = true;
      clearTimeout(retry);
      stopStatus();
      socket?.destroy();
    },
  };
}
