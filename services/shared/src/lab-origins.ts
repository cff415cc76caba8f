// The lab's origins. The same app answers under four names, each a role in the guide: `localhost`
// and `loopback` reach the app directly, `app` and `api` go through the proxy. Step 10 adds the
// attacker's pages. Everything else (the console, the proxy's routes, the grader) takes its origins
// from here, resolved once from the configuration.
import { DEFAULTS } from "./defaults.ts";
import { ConfigError, type Env, readOrigins, readPort } from "./env.ts";

export const LAB_ROLES = ["localhost", "loopback", "app", "api"] as const;
export type LabRole = (typeof LAB_ROLES)[number];

/** Step 10's attacker sites: names under .localhost reach the machine itself in browsers (RFC 6761). */
export const ATTACKER_HOSTS = ["attacker.localhost", "app.local.attacker.localhost"] as const;

/** The names the proxy answers for: the two lab roles behind it, and the attacker sites. */
export const PROXIED_HOSTS = ["app.local", "api.local", ...ATTACKER_HOSTS] as const;

export interface Ports {
  readonly app: number;
  readonly proxy: number;
}

export function readPorts(env: Env): Ports {
  return {
    app: readPort(env, "APP_PORT", DEFAULTS.APP_PORT),
    proxy: readPort(env, "PROXY_PORT", DEFAULTS.PROXY_PORT),
  };
}

/** The four origins of the lab in role order: two names on the app's port, two on the proxy's. */
export function defaultLabOrigins(ports: Ports): string[] {
  return [
    `http://localhost:${ports.app}`,
    `http://127.0.0.1:${ports.app}`,
    `http://app.local:${ports.proxy}`,
    `http://api.local:${ports.proxy}`,
  ];
}

/** LAB_ORIGINS, or the four origins made from APP_PORT and PROXY_PORT. */
export function readLabOrigins(env: Env): string[] {
  const origins = readOrigins(env, "LAB_ORIGINS", defaultLabOrigins(readPorts(env)));
  if (origins.length === 0) throw new ConfigError("LAB_ORIGINS", "", "at least one origin");
  return [...new Set(origins)];
}
