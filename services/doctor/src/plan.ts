// What the doctor will look at on this machine, worked out from the settings alone (issue #21): the
// origin set, the minimum versions, each port with the variable that moves it, the names the hosts
// file must carry, and each lab origin with the host port it is asked on. `npm run doctor -- --plan`
// prints it, and so does `sh doctor.sh --plan`: a test holds the two doctors to the same plan, in
// every origin set, Codespaces and Gitpod included.
import { LAB_SERVER } from "../../shared/src/http-server.ts";
import { type ServedRole, servedDirectly } from "../../shared/src/lab-origins.ts";
import type { DoctorConfig } from "./config.ts";

/** The oldest versions the lab is known to need: `--wait`, `pull_policy`, health-check start intervals. */
export const MINIMUM = { engine: "25.0.0", compose: "2.20.0" } as const;

export interface DoctorPlan {
  readonly set: string;
  readonly minimum: typeof MINIMUM;
  readonly ports: readonly { readonly port: number; readonly variable: string }[];
  /** Names that must resolve to this machine from the hosts file; none behind a forwarder. */
  readonly names: readonly string[];
  /** Names under .localhost, which browsers send to this machine themselves. */
  readonly browserNames: readonly string[];
  /** Each lab origin, asked as a browser would on the host port it is published on; none behind a forwarder. */
  readonly asked: readonly { readonly origin: string; readonly port: number }[];
  /** The Server header by which the lab's answers are known. */
  readonly server: string;
}

export function doctorPlan(config: DoctorConfig): DoctorPlan {
  const { origins } = config;
  const forwarded = origins.set === "forwarded";
  const hosts = [...new Set(Object.values(origins.byRole).map((origin) => new URL(origin).hostname))].filter(
    (host) => host !== "localhost" && host !== "127.0.0.1",
  );
  return {
    set: origins.set,
    minimum: MINIMUM,
    ports: config.ports,
    names: forwarded ? [] : hosts.filter((host) => !host.endsWith(".localhost")),
    browserNames: forwarded ? [] : hosts.filter((host) => host.endsWith(".localhost")),
    asked: forwarded
      ? []
      : (Object.keys(origins.byRole) as ServedRole[]).map((role) => ({
          origin: origins.byRole[role],
          port: servedDirectly(role) ? config.appHostPort : config.proxyHostPort,
        })),
    server: LAB_SERVER,
  };
}

/** The plan as lines, the form doctor.sh prints too. */
export function renderPlan(plan: DoctorPlan): string {
  return [
    `set ${plan.set}`,
    `minimum engine ${plan.minimum.engine} compose ${plan.minimum.compose}`,
    ...plan.ports.map(({ port, variable }) => `port ${port} ${variable}`),
    ...plan.names.map((name) => `name ${name}`),
    ...plan.browserNames.map((name) => `browser-name ${name}`),
    ...plan.asked.map(({ origin, port }) => `ask ${origin} ${port}`),
    `server ${plan.server}`,
    "",
  ].join("\n");
}
