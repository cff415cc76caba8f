// The sandbox's end of its link to the app (issue #19): it connects to the Unix socket the app
// listens on, says which sandbox it is and how the policy file stands, and answers each request the
// app sends with the policy's outcome. The app may start after the sandbox, or restart: the sandbox
// connects again until it is linked.
import { connect, type Socket } from "node:net";
import type { Logger } from "../../shared/src/log.ts";
import {
  encodeMessage,
  type FromSandbox,
  lineReader,
  readAppMessage,
  type SandboxInfo,
} from "../../shared/src/policy-protocol.ts";
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
    if (socket?.writable) socket.write(encodeMessage(message));
  };
  const stopStatus = policy.onStatus((status) => send({ type: "status", status }));

  const attempt = () => {
    if (closed) return;
    const current = connect(socketPath);
    socket = current;
    current.on("connect", () => {
      waitingSaid = false;
      log.info("linked to the app", { socket: socketPath, sandbox: sandbox.id });
      send({ type: "hello", sandbox });
      send({ type: "status", status: policy.status() });
      settleLinked();
    });
    current.on(
      "data",
      lineReader(
        (message) => {
          const request = readAppMessage(message);
          if (request === undefined) return;
          void policy.run(request.request).then((outcome) => {
            if (current === socket) send({ type: "outcome", id: request.id, outcome });
          });
        },
        () => current.destroy(),
      ),
    );
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
