import { DEFAULTS } from "../../shared/src/defaults.ts";
import { type Env, readListenAddress, readPort } from "../../shared/src/env.ts";
import {
  type LabOrigins,
  portVariable,
  readLabOrigins,
  type ServedRole,
} from "../../shared/src/lab-origins.ts";

export interface DoctorConfig {
  readonly origins: LabOrigins;
  /** Where Compose publishes the lab's ports on this machine. */
  readonly bindAddress: string;
  /** The host ports the app and the proxy are published on. */
  readonly appHostPort: number;
  readonly proxyHostPort: number;
  /** Every port the lab publishes in its origin set, with the variable that moves it. */
  readonly ports: readonly { readonly port: number; readonly variable: string }[];
}

export function readDoctorConfig(env: Env): DoctorConfig {
  const origins = readLabOrigins(env);
  const appHostPort = readPort(env, "APP_HOST_PORT", origins.appPort);
  const proxyHostPort = readPort(env, "PROXY_HOST_PORT", origins.proxyPort);
  const published = new Map<number, string>([
    [appHostPort, appHostPort === origins.appPort ? "APP_PORT" : "APP_HOST_PORT"],
    [proxyHostPort, proxyHostPort === origins.proxyPort ? "PROXY_PORT" : "PROXY_HOST_PORT"],
  ]);
  if (origins.set === "forwarded") {
    for (const role of ["loopback", "api", "attacker", "lookalike", "sibling", "public"] as ServedRole[]) {
      published.set(origins.ports[role], portVariable(role));
    }
  }
  return {
    origins,
    bindAddress: readListenAddress(env, "BIND_ADDRESS", DEFAULTS.BIND_ADDRESS),
    appHostPort,
    proxyHostPort,
    ports: [...published].map(([port, variable]) => ({ port, variable })),
  };
}
