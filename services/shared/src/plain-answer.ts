// Short plain-text answers that a server gives itself (a refusal, an error page), and how it closes
// a connection whose request body it did not read.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { LogFields, Logger } from "./log.ts";

/**
 * How long a refused request's body is still read and thrown away after the answer, before the
 * connection is cut regardless (nginx's lingering close waits up to 30 s; a lab's bodies are small).
 */
export const LINGER_MS = 5_000;

export function sendText(
  res: ServerResponse,
  status: number,
  text: string | undefined,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (text === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(`${text}\n`);
}

/** True when the request declares a body (RFC 9112 §6.3), read or not. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * RFC 9112 §9.6: a server that closes at once while the client is still sending a body it did not
 * read makes the kernel reset the connection, and the reset can wipe out the answer before the
 * client reads it (a 413 seen as "connection reset"). So, for a request with a body, the close is
 * done in stages: our side first (FIN, the answer is whole), then the rest of the body is read and
 * discarded until the client closes too, or LINGER_MS has passed.
 */
export function lingerOnClose(req: IncomingMessage): void {
  if (!hasBody(req) || req.complete) return;
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // Node's server closes a finished `Connection: close` response with destroySoon (end, then destroy
  // once our FIN is out); replacing it on this one socket keeps the reading side open.
  socket.destroySoon = function lingeringClose(this: Socket) {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once("close", () => clearTimeout(timer));
  };
}

export interface LogOptions {
  /** Whether this answer is worth a line (the proxy logs only some); every answer by default. */
  readonly when?: () => boolean;
  /** Fields to add, worked out when the answer is sent. */
  readonly extra?: () => LogFields;
}

/** One line in the service's log once the answer is sent, or once the client went away before it. */
export function logWhenAnswered(
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  options: LogOptions = {},
) {
  const startedAt = performance.now();
  const path = req.url; // as it arrived: a router may rewrite req.url while it handles the request
  const fields = () => ({
    host: req.headers.host,
    origin: req.headers.origin,
    path,
    status: res.statusCode,
    ms: Math.round(performance.now() - startedAt),
    ...options.extra?.(),
  });
  res.on("finish", () => {
    if (options.when?.() ?? true) log.info(req.method ?? "?", fields());
  });
  res.on("close", () => {
    if (!res.writableFinished) log.info(`${req.method} (client went away)`, fields());
  });
}
