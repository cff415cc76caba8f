// Configuration is parsed once at start-up from the environment; every bad value is reported with
// the variable that carries it, so a user knows which line of `.env` to fix.
import { isIP } from "node:net";

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)} is not valid: expected ${expected}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, value, `a whole number from ${min} to ${max}`);
  }
  return parsed;
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, fallback, 1, 65535);
}

/** The address a server listens on: an IP literal (`0.0.0.0` for every interface), never a name. */
export function readListenAddress(env: Env, name: string, fallback: string): string {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (isIP(value) === 0) throw new ConfigError(name, value, "an IP address such as 0.0.0.0 or 127.0.0.1");
  return value;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (["true", "1", "yes", "on"].includes(lower)) return true;
  if (["false", "0", "no", "off"].includes(lower)) return false;
  throw new ConfigError(name, value, "true or false");
}

/** A comma-separated list; empty entries (a trailing comma) are ignored. */
export function readList(env: Env, name: string, fallback: readonly string[] = []): string[] {
  const value = raw(env, name);
  if (value === undefined) return [...fallback];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/**
 * An origin is scheme + host + port and nothing else (RFC 6454); a trailing path, query or
 * credentials would never match a browser's `Origin` header, so they are rejected, not trimmed.
 */
export function parseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== "/" || value.endsWith("/")) return undefined;
  return url.origin;
}

export function readOrigins(env: Env, name: string, fallback: readonly string[]): string[] {
  const entries = readList(env, name, fallback);
  return entries.map((entry) => {
    const origin = parseOrigin(entry);
    if (origin === undefined) {
      throw new ConfigError(
        name,
        entry,
        "an origin such as http://app.local:8080 (scheme, host, port; no path)",
      );
    }
    return origin;
  });
}
