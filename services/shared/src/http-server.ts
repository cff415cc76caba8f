// What the app and the proxy do alike at the HTTP level, before either looks at a request:
// timeouts that bound slow clients, and the checks RFC 9112 asks of every server.
import http, { type IncomingMessage, type ServerOptions } from "node:http";
import type { Duplex } from "node:stream";
import { ConfigError, type Env, readInteger } from "./env.ts";

export interface HttpLimits {
  /** A client must finish sending its headers within this time (slowloris), or gets 408. */
  readonly headersTimeoutMs: number;
  /** A client must finish sending its whole request within this time, or gets 408. */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function readHttpLimits(env: Env): HttpLimits {
  const headersTimeoutMs = readInteger(env, "HTTP_HEADERS_TIMEOUT_MS", 10_000, 500, 600_000);
  const requestTimeoutMs = readInteger(env, "HTTP_REQUEST_TIMEOUT_MS", 30_000, 500, 600_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    // Node refuses this combination with a stack trace; say it in the user's terms instead.
    throw new ConfigError(
      "HTTP_REQUEST_TIMEOUT_MS",
      String(requestTimeoutMs),
      `no less than HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`,
    );
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs: 5_000 };
}

export function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for clients over those limits (default 30 s: far too lax against slowloris).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
}

/** A request every server must refuse, with the status and a plain message; undefined when it is fine. */
export function malformed(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.httpVersionMajor !== 1) {
    return { status: 505, message: `HTTP/${req.httpVersion} is not supported; speak HTTP/1.1.` };
  }
  // RFC 9112 §3.2: more than one Host field line gets a 400; Node would silently keep the first.
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "host") hosts++;
  }
  if (hosts > 1) return { status: 400, message: "Bad request: more than one Host header." };
  return undefined;
}

/** Declines CONNECT (RFC 9110 §9.3.6) with 405 instead of Node's silent hang-up. */
export function declineConnect(server: http.Server): void {
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    const text = "CONNECT is not supported: this is not a forward proxy.\n";
    socket.on("error", () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, OPTIONS\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  });
}

export function createHttpServer(limits: HttpLimits, listener: http.RequestListener): http.Server {
  const server = http.createServer(serverOptions(limits), listener);
  declineConnect(server);
  return server;
}
