import type { Server } from "node:http";
import type { Logger } from "./log.ts";

/**
 * Stops accepting connections on SIGTERM/SIGINT, lets requests in flight finish, and exits.
 * Idle keep-alive sockets are closed at once so `docker compose down` does not wait for them;
 * whatever is still busy after `graceMs` is cut off.
 */
export function closeOnSignal(server: Server, log: Logger, graceMs = 5000): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info("shutting down", { signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      log.error("requests still open after the grace period; closing them", { graceMs });
      server.closeAllConnections();
      process.exit(0);
    }, graceMs).unref();
  };
  process.once("SIGTERM", close);
  process.once("SIGINT", close);
}

/** Prints a configuration error as one line and exits, instead of a stack trace. */
export function exitOnStartupError(service: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${service}: cannot start: ${message}\n`);
  process.exit(78); // EX_CONFIG from sysexits.h: the configuration is wrong, restarting will not help.
}
