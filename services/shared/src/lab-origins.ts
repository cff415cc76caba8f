// The lab's origins, by role. The same app answers under four origins, each a role in the guide:
// `localhost` and `loopback` reach the app directly, `app` and `api` go through the proxy; step 10
// adds the attacker's pages (`attacker`, `lookalike`, and the sandboxed page, whose origin is null);
// step 11 a page that Chromium treats as a public website's (`public`, issue #23).
// Which origin plays which role depends on where the lab runs, chosen with LAB_ORIGIN_SET (issue #9):
//   default    http://localhost:3000, http://127.0.0.1:3000, http://app.local:8080, http://api.local:8080
//   localhost  the same with app.localhost and api.localhost: names browsers resolve themselves
//   forwarded  one port per role, each made public by a port forwarder (Codespaces, Gitpod/Ona) at an
//              address of its own, from LAB_FORWARD_TEMPLATE such as https://{port}.example.test
// Everything that names an origin (the console, the guide, the proxy's routes, the grader, the
// policies) asks this module, which resolves the roles once from the configuration.
import { DEFAULTS } from "./defaults.ts";
import { ConfigError, type Env, parseOrigin, readPort, readString } from "./env.ts";

export const LAB_ROLES = ["localhost", "loopback", "app", "api"] as const;
export type LabRole = (typeof LAB_ROLES)[number];
// `sibling` is the attacker on a name under the victim's own site (evil.app.local): the one place
// from which current browsers still send the victim's SameSite=Lax cookies (issue #12).
export const ATTACKER_ROLES = ["attacker", "lookalike", "sibling"] as const;
export type AttackerRole = (typeof ATTACKER_ROLES)[number];
/**
 * The page that plays a public website's (issue #23): served with `treat-as-public-address`, at a
 * name under .localhost, so that it is a secure context that may ask for Local Network Access.
 */
export const PUBLIC_ROLE = "public";
export type ServedRole = LabRole | AttackerRole | typeof PUBLIC_ROLE;
/** Every page an expectation file may name: the lab's, the attacker's, the public and the sandboxed one. */
export type PageRole = ServedRole | "sandboxed";
export const PAGE_ROLES: readonly PageRole[] = [...LAB_ROLES, ...ATTACKER_ROLES, PUBLIC_ROLE, "sandboxed"];

export const ORIGIN_SETS = ["default", "localhost", "forwarded"] as const;
export type OriginSet = (typeof ORIGIN_SETS)[number];

/** The origin of a sandboxed document, as its requests' Origin header says it. */
export const OPAQUE_ORIGIN = "null";

/** Which roles the app serves itself; the others reach it through the proxy. */
const DIRECT: ReadonlySet<ServedRole> = new Set(["localhost", "loopback"]);

export interface Forwarder {
  /** A URL with `{port}` in it: where the forwarder makes each port public. */
  readonly template: string;
  /** Where the template came from, for messages: a platform, or the variable. */
  readonly platform: "codespaces" | "gitpod" | "template";
}

export interface LabOrigins {
  readonly set: OriginSet;
  /** The origin of each role, as a browser writes it in Origin. */
  readonly byRole: Readonly<Record<ServedRole, string>>;
  /** The four lab origins, in role order: the console's targets and the grader's matrix. */
  readonly lab: readonly string[];
  /** The port each role is published on, on the machine where Compose runs. */
  readonly ports: Readonly<Record<ServedRole, number>>;
  /** The ports the app and the proxy listen on. */
  readonly appPort: number;
  readonly proxyPort: number;
  readonly forwarder: Forwarder | undefined;
}

/** Every origin set's own default port per role; a forwarded set publishes one port per role. */
function rolePorts(env: Env, set: OriginSet, appPort: number, proxyPort: number): Record<ServedRole, number> {
  if (set !== "forwarded") {
    return {
      localhost: appPort,
      loopback: appPort,
      app: proxyPort,
      api: proxyPort,
      attacker: proxyPort,
      lookalike: proxyPort,
      sibling: proxyPort,
      public: proxyPort,
    };
  }
  const ports: Record<ServedRole, number> = {
    localhost: appPort,
    loopback: readPort(env, "LAB_LOOPBACK_PORT", DEFAULTS.LAB_LOOPBACK_PORT),
    app: proxyPort,
    api: readPort(env, "LAB_API_PORT", DEFAULTS.LAB_API_PORT),
    attacker: readPort(env, "LAB_ATTACKER_PORT", DEFAULTS.LAB_ATTACKER_PORT),
    lookalike: readPort(env, "LAB_LOOKALIKE_PORT", DEFAULTS.LAB_LOOKALIKE_PORT),
    sibling: readPort(env, "LAB_SIBLING_PORT", DEFAULTS.LAB_SIBLING_PORT),
    public: readPort(env, "LAB_PUBLIC_PORT", DEFAULTS.LAB_PUBLIC_PORT),
  };
  const seen = new Map<number, ServedRole>();
  for (const [role, port] of Object.entries(ports) as [ServedRole, number][]) {
    const other = seen.get(port);
    if (other !== undefined) {
      throw new ConfigError(
        portVariable(role),
        String(port),
        `a port of its own: behind a forwarder each role needs one, and ${other} has ${port}`,
      );
    }
    seen.set(port, role);
  }
  return ports;
}

/** The variable that sets a role's port in the forwarded set. */
export function portVariable(role: ServedRole): string {
  const names: Record<ServedRole, string> = {
    localhost: "APP_PORT",
    loopback: "LAB_LOOPBACK_PORT",
    app: "PROXY_PORT",
    api: "LAB_API_PORT",
    attacker: "LAB_ATTACKER_PORT",
    lookalike: "LAB_LOOKALIKE_PORT",
    sibling: "LAB_SIBLING_PORT",
    public: "LAB_PUBLIC_PORT",
  };
  return names[role];
}

/**
 * Where ports are made public: LAB_FORWARD_TEMPLATE, or in GitHub Codespaces and Gitpod/Ona the
 * address their forwarder gives every port; undefined on a machine of one's own.
 */
export function readForwarder(env: Env): Forwarder | undefined {
  const template = readString(env, "LAB_FORWARD_TEMPLATE", "");
  if (template !== "")
    return { template: checkTemplate("LAB_FORWARD_TEMPLATE", template), platform: "template" };
  if (readString(env, "CODESPACES", "") === "true") {
    // https://docs.github.com/codespaces: each forwarded port is https://$CODESPACE_NAME-PORT.$DOMAIN
    const name = readString(env, "CODESPACE_NAME", "");
    const domain = readString(env, "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN", "");
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) {
      throw new ConfigError(
        "CODESPACE_NAME",
        name,
        "the codespace's name, as Codespaces sets it (CODESPACES=true)",
      );
    }
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) {
      throw new ConfigError(
        "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN",
        domain,
        "a domain such as app.github.dev, as Codespaces sets it (CODESPACES=true)",
      );
    }
    return { template: `https://${name}-{port}.${domain}`, platform: "codespaces" };
  }
  const workspace = readString(env, "GITPOD_WORKSPACE_URL", "");
  if (workspace !== "") {
    // Gitpod's `gp url PORT`: the port and a dash before the workspace's host name.
    const url = URL.canParse(workspace) ? new URL(workspace) : undefined;
    if (url === undefined || url.protocol !== "https:" || url.pathname !== "/" || url.port !== "") {
      throw new ConfigError(
        "GITPOD_WORKSPACE_URL",
        workspace,
        "the workspace's address, such as https://my-ws-abc123.ws-eu10.gitpod.io",
      );
    }
    return { template: `https://{port}-${url.hostname}`, platform: "gitpod" };
  }
  return undefined;
}

function checkTemplate(variable: string, template: string): string {
  const example = "a URL with {port} in it, such as https://{port}.example.test or http://lab-vm:{port}";
  if (template.split("{port}").length !== 2) throw new ConfigError(variable, template, example);
  const origin = parseOrigin(template.replace("{port}", "8080"));
  if (origin === undefined) throw new ConfigError(variable, template, example);
  return template;
}

/** The origin a forwarder gives a port. */
export function forwardedOrigin(forwarder: Forwarder, port: number): string {
  return parseOrigin(forwarder.template.replace("{port}", String(port))) as string;
}

export function readOriginSet(env: Env, forwarder: Forwarder | undefined): OriginSet {
  const value = readString(env, "LAB_ORIGIN_SET", forwarder ? "forwarded" : "default");
  if (!(ORIGIN_SETS as readonly string[]).includes(value)) {
    throw new ConfigError("LAB_ORIGIN_SET", value, `one of ${ORIGIN_SETS.join(", ")}`);
  }
  if (value === "forwarded" && forwarder === undefined) {
    throw new ConfigError(
      "LAB_ORIGIN_SET",
      value,
      "default or localhost here: forwarded needs LAB_FORWARD_TEMPLATE, or to run in Codespaces or Gitpod",
    );
  }
  return value as OriginSet;
}

/** The lab's origins as the configuration says: read once at start-up by every service. */
export function readLabOrigins(env: Env): LabOrigins {
  const appPort = readPort(env, "APP_PORT", DEFAULTS.APP_PORT);
  const proxyPort = readPort(env, "PROXY_PORT", DEFAULTS.PROXY_PORT);
  const forwarder = readForwarder(env);
  const set = readOriginSet(env, forwarder);
  const ports = rolePorts(env, set, appPort, proxyPort);
  const named = (host: string, port: number) => `http://${host}:${port}`;
  const byRole: Record<ServedRole, string> =
    set === "forwarded"
      ? (Object.fromEntries(
          Object.entries(ports).map(([role, port]) => [role, forwardedOrigin(forwarder as Forwarder, port)]),
        ) as Record<ServedRole, string>)
      : {
          localhost: named("localhost", appPort),
          loopback: named("127.0.0.1", appPort),
          app: named(set === "localhost" ? "app.localhost" : "app.local", proxyPort),
          api: named(set === "localhost" ? "api.localhost" : "api.local", proxyPort),
          // Names under .localhost reach the machine itself in browsers (RFC 6761): no hosts line.
          attacker: named("attacker.localhost", proxyPort),
          lookalike: named(
            `${set === "localhost" ? "app.localhost" : "app.local"}.attacker.localhost`,
            proxyPort,
          ),
          // The same site as app.local (its registrable domain): in the default set a hosts-file name.
          sibling: named(set === "localhost" ? "evil.app.localhost" : "evil.app.local", proxyPort),
          public: named("public.localhost", proxyPort),
        };
  return {
    set,
    byRole,
    lab: LAB_ROLES.map((role) => byRole[role]),
    ports,
    appPort,
    proxyPort,
    forwarder: set === "forwarded" ? forwarder : undefined,
  };
}

/** A page role's origin; the sandboxed page's is `null`. */
export function originOf(origins: LabOrigins, role: PageRole): string {
  return role === "sandboxed" ? OPAQUE_ORIGIN : origins.byRole[role];
}

/** The role of an origin, if it plays one. */
export function roleOfOrigin(origins: LabOrigins, origin: string): PageRole | undefined {
  if (origin === OPAQUE_ORIGIN) return "sandboxed";
  return (Object.entries(origins.byRole) as [ServedRole, string][]).find(([, each]) => each === origin)?.[0];
}

/**
 * The role a request is for, from its Host header: a role's own host and port, or behind a
 * forwarder that rewrites Host to `localhost:PORT` (Codespaces), the role published on that port.
 */
export function roleOfHost(origins: LabOrigins, host: string | undefined): ServedRole | undefined {
  if (host === undefined) return undefined;
  const wanted = host.trim().toLowerCase();
  for (const [role, origin] of Object.entries(origins.byRole) as [ServedRole, string][]) {
    const url = new URL(origin);
    const defaultPort = url.protocol === "https:" ? "443" : "80";
    if (wanted === url.host || wanted === `${url.hostname}:${url.port || defaultPort}`) return role;
  }
  if (origins.set !== "forwarded") return undefined;
  const rewritten = /^(?:localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(wanted);
  if (rewritten === null) return undefined;
  const port = Number(rewritten[1]);
  return (Object.entries(origins.ports) as [ServedRole, number][]).find(([, each]) => each === port)?.[0];
}

/** The host names the proxy answers for: its roles', and behind a forwarder the rewritten loopback names. */
export function proxiedHostNames(origins: LabOrigins): string[] {
  const names = (Object.entries(origins.byRole) as [ServedRole, string][])
    .filter(([role]) => !DIRECT.has(role))
    .map(([, origin]) => new URL(origin).hostname);
  if (origins.set === "forwarded") names.push("localhost", "127.0.0.1");
  return [...new Set(names)];
}

/** Whether a role's pages are the app's own (true) or the proxy's. */
export function servedDirectly(role: ServedRole): boolean {
  return DIRECT.has(role);
}

/** The origins the guide's files are written with: the default set on the default ports. */
const GUIDE_ORIGINS = readLabOrigins({ APP_PORT: "3000", PROXY_PORT: "8080", LAB_ORIGIN_SET: "default" });

/**
 * `text` with every origin of the default set, and its `host:port`, replaced by the one in use: the
 * guide's files name the default origins; the guide the lab serves names the lab's own.
 */
export function withOrigins(text: string, origins: LabOrigins): string {
  const replacements = new Map<string, string>();
  for (const role of Object.keys(GUIDE_ORIGINS.byRole) as ServedRole[]) {
    const from = GUIDE_ORIGINS.byRole[role];
    const to = origins.byRole[role];
    replacements.set(from, to);
    replacements.set(new URL(from).host, new URL(to).host);
  }
  for (const [from, to] of replacements) if (from === to) replacements.delete(from);
  if (replacements.size === 0) return text;
  // Longest first, in one pass: http://app.local.attacker.localhost:8080 before app.local:8080.
  const keys = [...replacements.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return text.replace(pattern, (found) => replacements.get(found) ?? found);
}
