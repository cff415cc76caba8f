// The proxy's handling of a request, as http-proxy-3's web-incoming does it: a list of small named
// passes, run in order. A pass answers the request itself (and the list stops there), or leaves it
// for the next; what survives every pass is forwarded to the route's upstream.
import type { IncomingMessage } from "node:http";
import { type Answer, firstAnswer } from "../../shared/src/admission.ts";
import type { ProxyConfig } from "./config.ts";
import {
  asksToClose,
  FORWARDING_HEADERS,
  forwardingLines,
  passedOn,
  type RawHeader,
  REMOVED_BEHIND_TRUSTED_FORWARDER,
  REMOVED_FROM_REQUESTS,
  rawLines,
} from "./headers.ts";
import { hostName, isLoopbackName } from "./host.ts";
import { isTrusted } from "./trusted.ts";

export interface Exchange {
  readonly req: IncomingMessage;
  /** The host name the request is for, once `route` has read it. */
  host?: string;
  /** Where the request goes, once `route` has found it. */
  target?: URL;
  /** The request's header lines as they go to the app, once `cleanHeaders` has worked them out. */
  lines?: readonly RawHeader[];
}

export type ProxyPass = (exchange: Exchange, config: ProxyConfig) => Answer | undefined;

const refuse = (status: number, message: string, close = false): Answer => ({
  status,
  message,
  ...(close ? { headers: { connection: "close" } } : {}),
});

/**
 * RFC 9112 §3.2.2: a request in absolute form (`GET http://app.local:8080/x`) names its host in the
 * target, and the Host header must then be ignored; it becomes an origin-form request here.
 */
function originForm({ req }: Exchange): Answer | undefined {
  const target = req.url ?? "";
  if (target.startsWith("/")) return undefined;
  if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    const url = new URL(target);
    req.headers.host = url.host;
    req.url = `${url.pathname}${url.search}`;
    return undefined;
  }
  return refuse(400, "Bad request: the request target must be a path such as /headers.", true);
}

/**
 * Picks the upstream by the Host header, ignoring case and port. The proxy answers its own /healthz
 * on a loopback name it does not route. Behind a forwarder that rewrites Host to localhost, loopback
 * names are routed: /healthz there is the app's, so that a grader asking through the forwarder learns
 * whether the app answers, not merely the proxy (issue #19).
 */
function route(exchange: Exchange, config: ProxyConfig): Answer | undefined {
  const host = hostName(exchange.req.headers.host);
  exchange.host = host;
  exchange.target = host === undefined ? undefined : config.routes.get(host);
  if (
    exchange.target === undefined &&
    host !== undefined &&
    isLoopbackName(host) &&
    exchange.req.url === "/healthz"
  ) {
    return { status: 200, message: "ok" };
  }
  if (exchange.target !== undefined) return undefined;
  const served = [...config.routes.keys()].join(", ");
  if (host === undefined)
    return refuse(400, `Bad request: a valid Host header is required. This proxy serves ${served}.`);
  // 421 Misdirected Request (RFC 9110 §15.5.20): this server does not answer for that host.
  return refuse(421, `This proxy does not serve "${host}". It serves ${served}.`);
}

/** The answer to a body over the limit, declared (here) or counted as it arrives (body-limit.ts). */
export function tooLarge(config: ProxyConfig): Answer {
  return refuse(
    413,
    `Content too large: the lab accepts bodies of up to ${config.maxBodyBytes} bytes.`,
    true,
  );
}

/**
 * No lab endpoint takes a large body: a larger declared one is refused before it reaches the app.
 * A body with no declared length (chunked) is counted as it is passed on (body-limit.ts).
 */
function bodyLimit({ req }: Exchange, config: ProxyConfig): Answer | undefined {
  return Number(req.headers["content-length"] ?? 0) <= config.maxBodyBytes ? undefined : tooLarge(config);
}

/**
 * The lines that go to the app: each as it came, but hop-by-hop ones and forwarding ones a client made
 * up (a trusted forwarder's are kept, and added to); then the proxy's own forwarding lines. A request
 * in absolute form names its host in its target, which the Host line then says (RFC 9112 §3.2.2).
 */
function cleanHeaders(exchange: Exchange, config: ProxyConfig): undefined {
  const { req } = exchange;
  const trusted = isTrusted(config.trustedForwarders, req.socket.remoteAddress);
  const received = rawLines(req.rawHeaders);
  const host = req.headers.host ?? "";
  const kept = passedOn(received, trusted ? REMOVED_BEHIND_TRUSTED_FORWARDER : REMOVED_FROM_REQUESTS);
  const mine = forwardingLines(req, trusted ? kept : [], host);
  const hosted = kept.some(([name]) => name.toLowerCase() === "host");
  exchange.lines = [
    ...(hosted ? [] : [["Host", host] as const]),
    ...kept
      .filter(([name]) => !FORWARDING_HEADERS.includes(name.toLowerCase()))
      .map(([name, value]): RawHeader => (name.toLowerCase() === "host" ? [name, host] : [name, value])),
    ...(asksToClose(received) ? [["Connection", "close"] as const] : []),
    ...mine,
  ];
}

export const PROXY_PASSES: readonly ProxyPass[] = [originForm, route, bodyLimit, cleanHeaders];

/** Runs the passes in order: the first answer, or undefined when the request is to be forwarded. */
export function runPasses(exchange: Exchange, config: ProxyConfig): Answer | undefined {
  return firstAnswer(PROXY_PASSES, exchange, config);
}
