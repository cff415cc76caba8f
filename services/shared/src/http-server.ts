// What the app and the proxy do alike at the HTTP level, before either looks at a request:
// timeouts that bound slow clients, the admission checks RFC 9112 asks of every server, and a
// staged close for a connection whose request body was not read.
import http, { type IncomingMessage, type ServerOptions } from "node:http";
import type { Duplex } from "node:stream";
import { admit, CONNECT_REFUSAL } from "./admission.ts";
import { DEFAULTS } from "./defaults.ts";
import { ConfigError, type Env, readInteger } from "./env.ts";
import type { Logger } from "./log.ts";
import { lingerOnClose, logWhenAnswered, sendText } from "./plain-answer.ts";

/** The Server header of every answer the lab's app and proxy give. */
export const LAB_SERVER = "cors-lab";

/**
 * Whether an answer is the lab's, by its headers (Node's, Playwright's or puppeteer's): every answer
 * of the app and the proxy says `Server: cors-lab`; a port forwarder's sign-in, or another program on
 * the lab's port, does not. The one place this is decided (issue #21); doctor.sh greps the same words.
 */
export function answeredByLab(headers: Readonly<Record<string, unknown>>): boolean {
  const server = headers.server ?? headers.Server;
  return (Array.isArray(server) ? server[0] : server) === LAB_SERVER;
}

export interface HttpLimits {
  /** A client must finish sending its headers within this time (slowloris), or gets 408. */
  readonly headersTimeoutMs: number;
  /** A client must finish sending its whole request within this time, or gets 408. */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function readHttpLimits(env: Env): HttpLimits {
  const headersTimeoutMs = readInteger(
    env,
    "HTTP_HEADERS_TIMEOUT_MS",
    DEFAULTS.HTTP_HEADERS_TIMEOUT_MS,
    500,
    600_000,
  );
  const requestTimeoutMs = readInteger(
    env,
    "HTTP_REQUEST_TIMEOUT_MS",
    DEFAULTS.HTTP_REQUEST_TIMEOUT_MS,
    500,
    600_000,
  );
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

/**
 * A server that answers what admission.ts answers (with a line in the log), declines CONNECT, and
 * hands every other request to `listener`.
 */
export function createHttpServer(
  limits: HttpLimits,
  log: Logger,
  listener: http.RequestListener,
): http.Server {
  const server = http.createServer(serverOptions(limits), (req, res) => {
    // Every answer of the lab says it is one: a grader that finds an answer without it knows that
    // something else answered (a port forwarder's sign-in, say), whatever the browser made of it.
    res.setHeader("Server", LAB_SERVER);
    lingerOnClose(req);
    const answer = admit(req);
    if (answer === undefined) return listener(req, res);
    logWhenAnswered(log, req, res);
    sendText(res, answer.status, answer.message, answer.headers);
  });
  server.on("connect", (req: IncomingMessage, socket: Duplex) => {
    log.info("CONNECT", { host: req.headers.host, path: req.url, status: 405 });
    socket.on("error", () => socket.destroy());
    socket.end(CONNECT_REFUSAL);
  });
  return server;
}
