// Every header the proxy removes or replaces on its way through, in one place.
import type { IncomingHttpHeaders } from "node:http";

// RFC 9110 §7.6.1: these apply to one connection only and must not be passed on, and neither may
// any header the Connection field names. Framing (Transfer-Encoding) is Node's to manage.
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
];

// This proxy writes these itself (http-proxy-3's `xfwd`, which appends to what came): a client's own
// would let it pose as anyone, so they are dropped unless the peer is a trusted port forwarder.
const FORWARDING = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

// Node has already answered `Expect: 100-continue`; passing it on would skip the proxyReq event.
const ANSWERED_HERE = ["expect"];

/** What a request loses on its way to the app. */
export const REMOVED_FROM_REQUESTS: readonly string[] = [...HOP_BY_HOP, ...FORWARDING, ...ANSWERED_HERE];
/** What a request from a trusted port forwarder loses: its forwarding headers are passed on. */
export const REMOVED_BEHIND_TRUSTED_FORWARDER: readonly string[] = [...HOP_BY_HOP, ...ANSWERED_HERE];
/** What an answer loses on its way back: the app's Connection and Keep-Alive were meant for the proxy. */
export const REMOVED_FROM_RESPONSES: readonly string[] = HOP_BY_HOP;

// Routing needs Host after the clean-up, whatever a client names in Connection.
const KEPT = "host";

const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i;

/**
 * Removes, in place, `removed` and every header the Connection field names. What remains of
 * Connection is the one thing the next hop must know: `close`, when the sender asked for it.
 */
export function removeHeaders(headers: IncomingHttpHeaders, removed: readonly string[]): void {
  const connection = headers.connection ?? "";
  const named = connection
    .split(",")
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== "" && token !== KEPT);
  for (const name of new Set([...removed, ...named])) delete headers[name];
  if (CLOSE.test(connection)) headers.connection = "close";
}
