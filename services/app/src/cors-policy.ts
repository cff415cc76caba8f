// The app's CORS policy. It is OFF by default: with no CORS_* variable set the app sends no
// Access-Control-* header at all, so every cross-origin read is blocked by the browser. That block
// is the first lesson of the lab; later steps turn the policy on, one header at a time.
import cors from "cors";
import type { RequestHandler } from "express";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import {
  ConfigError,
  type Env,
  readBoolean,
  readInteger,
  readList,
  readOrigins,
} from "../../shared/src/env.ts";

export interface CorsPolicy {
  /** Origins allowed to read responses; empty means the policy is off. `*` allows any origin. */
  readonly allowOrigins: readonly string[] | "*";
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  /** How long a browser may cache a preflight answer; undefined sends no Access-Control-Max-Age. */
  readonly maxAgeSeconds: number | undefined;
}

export const CORS_DEFAULTS: CorsPolicy = Object.freeze({
  allowOrigins: [],
  // Only the CORS-safelisted methods: anything else must be asked for explicitly.
  allowMethods: DEFAULTS.CORS_ALLOW_METHODS.split(","),
  allowHeaders: [],
  exposeHeaders: [],
  allowCredentials: DEFAULTS.CORS_ALLOW_CREDENTIALS,
  maxAgeSeconds: undefined,
});

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.6.2

function readTokens(env: Env, name: string, fallback: readonly string[], what: string): string[] {
  const tokens = readList(env, name, fallback);
  const bad = tokens.find((token) => !TOKEN.test(token));
  if (bad !== undefined) throw new ConfigError(name, bad, what);
  return tokens;
}

export function readCorsPolicy(env: Env): CorsPolicy {
  const origins = readList(env, "CORS_ALLOW_ORIGINS");
  const allowOrigins =
    origins.length === 1 && origins[0] === "*" ? "*" : readOrigins(env, "CORS_ALLOW_ORIGINS", []);
  const allowCredentials = readBoolean(env, "CORS_ALLOW_CREDENTIALS", CORS_DEFAULTS.allowCredentials);
  if (allowOrigins === "*" && allowCredentials) {
    // Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests (Fetch standard, CORS check).
    throw new ConfigError("CORS_ALLOW_CREDENTIALS", "true", "false when CORS_ALLOW_ORIGINS is *");
  }
  const maxAge = env.CORS_MAX_AGE?.trim()
    ? readInteger(env, "CORS_MAX_AGE", 0, 0, 86400)
    : CORS_DEFAULTS.maxAgeSeconds;
  return {
    allowOrigins,
    allowMethods: readTokens(
      env,
      "CORS_ALLOW_METHODS",
      CORS_DEFAULTS.allowMethods,
      "HTTP method names, comma-separated",
    ).map((method) => method.toUpperCase()),
    allowHeaders: readTokens(
      env,
      "CORS_ALLOW_HEADERS",
      CORS_DEFAULTS.allowHeaders,
      "header names, comma-separated",
    ),
    exposeHeaders: readTokens(
      env,
      "CORS_EXPOSE_HEADERS",
      CORS_DEFAULTS.exposeHeaders,
      "header names, comma-separated",
    ),
    allowCredentials,
    maxAgeSeconds: maxAge,
  };
}

export function isCorsEnabled(policy: CorsPolicy): boolean {
  return policy.allowOrigins === "*" || policy.allowOrigins.length > 0;
}

/** The middleware that applies the policy, or undefined when the policy is off. */
export function corsMiddleware(policy: CorsPolicy): RequestHandler | undefined {
  if (!isCorsEnabled(policy)) return undefined;
  return cors({
    // An array makes `cors` echo the request's Origin only when it is listed, and add `Vary: Origin`.
    origin: policy.allowOrigins === "*" ? "*" : [...policy.allowOrigins],
    methods: [...policy.allowMethods],
    // Always an explicit list: left undefined, `cors` would echo whatever headers the browser asks for.
    allowedHeaders: [...policy.allowHeaders],
    exposedHeaders: [...policy.exposeHeaders],
    credentials: policy.allowCredentials,
    maxAge: policy.maxAgeSeconds,
    optionsSuccessStatus: 204,
  });
}
