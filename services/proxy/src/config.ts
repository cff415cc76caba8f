import type { BlockList } from "node:net";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import {
  ConfigError,
  type Env,
  readBoolean,
  readInteger,
  readListenAddress,
  readString,
} from "../../shared/src/env.ts";
import { type HttpLimits, readHttpLimits } from "../../shared/src/http-server.ts";
import { type LabOrigins, proxiedHostNames, readLabOrigins } from "../../shared/src/lab-origins.ts";
import { readAddressList } from "./trusted.ts";

export interface ProxyConfig {
  readonly port: number;
  readonly host: string;
  /** Lower-case host name (no port) → upstream base URL. */
  readonly routes: ReadonlyMap<string, URL>;
  /** How long the upstream may take to start answering before the client gets a 504. */
  readonly upstreamTimeoutMs: number;
  /**
   * Peers whose X-Forwarded-* headers are passed on (a cloud workspace's port forwarder); from any
   * other client they are dropped and the proxy writes its own.
   */
  readonly trustedForwarders: BlockList;
  /** Larger declared bodies get 413 before anything reaches the app; no lab endpoint needs more. */
  readonly maxBodyBytes: number;
  /**
   * Log every request, or (the default) only those the proxy answered itself or could not pass on:
   * the app already logs each request it serves, and a second line per request is noise.
   */
  readonly logAllRequests: boolean;
  readonly http: HttpLimits;
}

/**
 * Every name the proxy serves to the app's port: the names of the roles behind it (app.local,
 * api.local, step 10's attacker sites on the default origins), and behind a forwarder that rewrites
 * Host, localhost.
 */
export function defaultRoutes(origins: LabOrigins): string {
  return proxiedHostNames(origins)
    .map((host) => `${host}=http://app:${origins.appPort}`)
    .join(",");
}

// RFC 1123 host names: letters, digits and hyphens in dot-separated labels.
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function badRoute(entry: string, why: string): ConfigError {
  return new ConfigError(
    "PROXY_ROUTES",
    entry,
    `host=http://upstream:port entries separated by commas (${why})`,
  );
}

/** Parses `host=url,host=url`; any malformed entry stops start-up with that entry named. */
export function parseRoutes(value: string): Map<string, URL> {
  const routes = new Map<string, URL>();
  for (const entry of value.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const separator = entry.indexOf("=");
    if (separator < 0) throw badRoute(entry, "no '=' in this entry");
    const host = entry.slice(0, separator).trim().toLowerCase();
    const target = entry.slice(separator + 1).trim();
    if (!HOST_NAME.test(host)) throw badRoute(entry, `"${host}" is not a host name`);
    if (routes.has(host)) throw badRoute(entry, `"${host}" is routed twice`);
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw badRoute(entry, `"${target}" is not a URL`);
    }
    if (url.protocol !== "http:") throw badRoute(entry, "the upstream must be an http:// URL");
    if (url.pathname !== "/" || url.search || url.hash || url.username) {
      throw badRoute(entry, "the upstream is scheme, host and port only, with no path");
    }
    routes.set(host, url);
  }
  if (routes.size === 0) throw new ConfigError("PROXY_ROUTES", value, "at least one host=url entry");
  return routes;
}

export function readProxyConfig(env: Env): ProxyConfig {
  const origins = readLabOrigins(env);
  return {
    port: origins.proxyPort,
    host: readListenAddress(env, "PROXY_LISTEN_ADDRESS", DEFAULTS.PROXY_LISTEN_ADDRESS),
    routes: parseRoutes(readString(env, "PROXY_ROUTES", defaultRoutes(origins))),
    trustedForwarders: readAddressList(env, "LAB_TRUSTED_FORWARDERS"),
    upstreamTimeoutMs: readInteger(
      env,
      "PROXY_UPSTREAM_TIMEOUT_MS",
      DEFAULTS.PROXY_UPSTREAM_TIMEOUT_MS,
      100,
      600_000,
    ),
    maxBodyBytes: readInteger(env, "PROXY_MAX_BODY_BYTES", DEFAULTS.PROXY_MAX_BODY_BYTES, 0, 1_073_741_824),
    logAllRequests: readBoolean(env, "PROXY_LOG_REQUESTS", DEFAULTS.PROXY_LOG_REQUESTS),
    http: readHttpLimits(env),
  };
}
