/**
 * The host name a request is addressed to, from its Host header: lower-case, without port or
 * trailing dot, so `APP.local:8080` and `app.local` pick the same route (RFC 9110 §4.2.3: host
 * names are case-insensitive). Undefined when the header is missing or not a plausible authority.
 */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^\s:/?#@[\]]+)(?::(\d{0,5}))?$/.exec(value);
  if (!match) return undefined;
  const host = (match[1] as string).replace(/\.$/, "");
  return host === "" ? undefined : host;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLoopbackName(host: string): boolean {
  return LOOPBACK_NAMES.has(host);
}
