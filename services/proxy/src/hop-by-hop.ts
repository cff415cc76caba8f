import type { IncomingHttpHeaders } from "node:http";

// RFC 9110 §7.6.1: these apply to one connection only and must not be passed on, and neither may
// any header the Connection field names. Framing (Transfer-Encoding) is Node's to manage.
const ALWAYS = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
];

// Never dropped because a client named them in Connection: routing and the proxy's own forwarding headers.
const PROTECTED = new Set([
  "host",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
]);

const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i;

/**
 * Removes, in place, the headers of a message that belong to the previous hop only. What remains of
 * Connection is the one thing the next hop must know: `close`, when the sender asked for it.
 */
export function stripHopByHop(headers: IncomingHttpHeaders): void {
  const connection = headers.connection ?? "";
  const named = connection
    .split(",")
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== "");
  for (const name of new Set([...ALWAYS, ...named])) {
    if (!PROTECTED.has(name)) delete headers[name];
  }
  if (CLOSE.test(connection)) headers.connection = "close";
}
