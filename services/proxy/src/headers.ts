// Every header the proxy removes or replaces on its way through, in one place. Everything else goes
// on as it came (issue #22): each line its own line, in order, its name as written, as nginx does;
// the lab teaches what a browser makes of the lines a server sends, so the proxy must not rewrite them.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

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

/** A header line as it came: its name as written, and its value. */
export type RawHeader = readonly [name: string, value: string];

/** The names a message's Connection lines name (RFC 9110 §7.6.1: hop-by-hop for that message). */
function namedByConnection(lines: readonly RawHeader[]): Set<string> {
  const named = new Set<string>();
  for (const [name, value] of lines) {
    if (name.toLowerCase() !== "connection") continue;
    for (const token of value.split(",")) {
      const lower = token.trim().toLowerCase();
      if (lower !== "" && lower !== KEPT) named.add(lower);
    }
  }
  return named;
}

/** The lines of a `rawHeaders` array (name, value, name, value, …). */
export function rawLines(raw: readonly string[]): RawHeader[] {
  const lines: RawHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i] as string, raw[i + 1] as string]);
  return lines;
}

/**
 * The lines that go on: all but `removed` and those the Connection lines name, each as it came, in
 * order. A request that asked to close keeps `Connection: close` for the next hop.
 */
export function passedOn(lines: readonly RawHeader[], removed: readonly string[]): RawHeader[] {
  const dropped = new Set([...removed, ...namedByConnection(lines)]);
  return lines.filter(([name]) => !dropped.has(name.toLowerCase()));
}

/** Whether a message's Connection lines ask to close the connection. */
export function asksToClose(lines: readonly RawHeader[]): boolean {
  return lines.some(([name, value]) => name.toLowerCase() === "connection" && CLOSE.test(value));
}

/** The lines as a rawHeaders-style flat array, as `writeHead` takes them. */
export function flat(lines: readonly RawHeader[]): string[] {
  return lines.flat();
}

/**
 * The lines as Node's client writes them from an object: a key per name (as first written), and a
 * name's repeated lines as an array, so each stays a line of its own (repeated names end up together).
 */
export function asHeaderObject(lines: readonly RawHeader[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const keyOf = new Map<string, string>();
  for (const [name, value] of lines) {
    const key = keyOf.get(name.toLowerCase());
    if (key === undefined) {
      keyOf.set(name.toLowerCase(), name);
      headers[name] = value;
    } else headers[key] = [...[headers[key] as string | string[]].flat(), value];
  }
  return headers;
}

/**
 * The forwarding lines this proxy adds (as http-proxy's `xfwd` writes them): who asked, on which port,
 * over which protocol, for which host; appended to a trusted forwarder's own, which `lines` then hold.
 */
export function forwardingLines(
  req: IncomingMessage,
  lines: readonly RawHeader[],
  host: string,
): RawHeader[] {
  const existing = (name: string) =>
    lines
      .filter(([each]) => each.toLowerCase() === name)
      .map(([, value]) => value)
      .join(",");
  const append = (name: string, value: string) => {
    const before = existing(name);
    return before === "" ? value : `${before},${value}`;
  };
  const port = /:(\d+)$/.exec(host)?.[1] ?? "80";
  return [
    ["x-forwarded-for", append("x-forwarded-for", req.socket.remoteAddress ?? "")],
    ["x-forwarded-port", append("x-forwarded-port", port)],
    ["x-forwarded-proto", append("x-forwarded-proto", "http")],
    ["x-forwarded-host", existing("x-forwarded-host") || host],
  ];
}

/** The forwarding headers, which the proxy writes itself (after a trusted forwarder's, if any). */
export const FORWARDING_HEADERS: readonly string[] = FORWARDING;

export type { IncomingHttpHeaders };
