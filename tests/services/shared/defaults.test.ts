// Every default is written once, in services/shared/src/defaults.ts. docker-compose.yml, .env.example
// and the README show some of them again; here they are held to the code's, value by value, and
// Compose is shown to pass every variable to the service that reads it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAppConfig } from "../../../services/app/src/config.ts";
import { readGraderConfig } from "../../../services/grader/src/config.ts";
import { readPolicyConfig } from "../../../services/policy/src/config.ts";
import { readProxyConfig } from "../../../services/proxy/src/config.ts";
import { DEFAULTS } from "../../../services/shared/src/defaults.ts";
import type { Env } from "../../../services/shared/src/env.ts";
import { ROOT, renderedConfig } from "../../support/docker.ts";

const read = (file: string) => readFile(join(ROOT, file), "utf8");

/** The variables a configuration reader asks for, found by handing it an environment that records. */
function variablesRead(reader: (env: Env) => unknown): string[] {
  const asked = new Set<string>();
  const env = new Proxy({} as Env, {
    get: (_target, name) => {
      if (typeof name === "string") asked.add(name);
      return undefined;
    },
  });
  reader(env);
  return [...asked];
}

const SERVICES = {
  app: variablesRead(readAppConfig),
  policy: variablesRead(readPolicyConfig),
  proxy: variablesRead(readProxyConfig),
  grader: variablesRead((env) => readGraderConfig([], env)),
  "warm-grader": variablesRead((env) => readGraderConfig([], env)),
  "warm-engines": variablesRead((env) => readGraderConfig([], env)),
};

/** The variables .env.example documents in its last section, for a service run with plain `node`. */
async function outsideComposeOnly(): Promise<Set<string>> {
  const text = await read(".env.example");
  const section = text.slice(text.indexOf("# --- Only when a service runs outside Compose"));
  return new Set([...section.matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] as string));
}

/** docker-compose.yml as Compose reads it with `env` set, and no .env file. */
// biome-ignore lint/suspicious/noExplicitAny: the rendered file is checked field by field below
const render = async (env: Record<string, string>): Promise<{ services: Record<string, any> }> =>
  renderedConfig({ projectName: "cors-lab-config", env, envFile: "/dev/null" });

const shownDefault = (name: keyof typeof DEFAULTS) => String(DEFAULTS[name]);

/**
 * Defaults a Compose service has of its own, on purpose: the engines service exists to grade in
 * every engine (issue #14), where the grader's own default is Chromium alone.
 */
const SERVICE_DEFAULTS: Readonly<Record<string, string>> = { GRADER_BROWSER: "all" };

describe("every setting's default", () => {
  it("is the code's wherever docker-compose.yml writes one", async () => {
    const files = `${await read("docker-compose.yml")}${await read("docker-compose.forwarded.yml")}`;
    const written = [...files.matchAll(/\$\{([A-Z][A-Z0-9_]*):-([^}$]+)\}/g)];
    expect(written.length).toBeGreaterThan(0);
    for (const [, name, value] of written) {
      expect(Object.hasOwn(DEFAULTS, name as string), `${name} has a default in Compose only`).toBe(true);
      if (SERVICE_DEFAULTS[name as string] === value) continue;
      expect(value, name).toBe(shownDefault(name as keyof typeof DEFAULTS));
    }
  });

  it("is the code's wherever .env.example shows a value, and every default is shown there", async () => {
    const text = await read(".env.example");
    for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      // A value runs to the end of the line, or to a note set off by two spaces.
      const line = new RegExp(`^#? ?${name}=(.*?)(?: {2,}.*)?$`, "m").exec(text);
      expect(line, `${name} in .env.example`).not.toBeNull();
      expect(line?.[1], name).toBe(shownDefault(name));
    }
  });

  it("is the code's in the README's configuration table", async () => {
    const rows = [...(await read("README.md")).matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\| `([^`]+)` /gm)];
    expect(rows.length).toBeGreaterThan(10);
    for (const [, name, value] of rows) {
      if (Object.hasOwn(DEFAULTS, name as string))
        expect(value, name).toBe(shownDefault(name as keyof typeof DEFAULTS));
    }
  });
});

describe("docker compose", () => {
  it("passes every variable a service reads on to that service, as the user set it", async () => {
    const outside = await outsideComposeOnly();
    const names = [...new Set(Object.values(SERVICES).flat())].filter((name) => !outside.has(name));
    // A distinct value per variable, each a valid port (or for a folder, a path), so the file still renders.
    const sentinel = (name: string, index: number) =>
      name.endsWith("_DIR") ? `./dir-${index}` : String(40_000 + index);
    const env = Object.fromEntries(names.map((name, index) => [name, sentinel(name, index)]));
    const { services } = await render(env);
    for (const [service, variables] of Object.entries(SERVICES)) {
      for (const name of variables.filter((variable) => !outside.has(variable))) {
        expect(services[service]?.environment[name], `${name} in the ${service}'s environment`).toBe(
          env[name],
        );
      }
    }
  });

  it("uses its own variables where they take effect: ports, bind address, folders, base image", async () => {
    const env = {
      BIND_ADDRESS: "0.0.0.0",
      APP_HOST_PORT: "3100",
      PROXY_HOST_PORT: "8180",
      CORS_POLICY_DIR: "/srv/policy",
      REPORTS_DIR: "/srv/reports",
      NODE_IMAGE: "node:24-example",
    };
    const { services } = await render(env);
    expect(services.app.ports).toEqual([
      expect.objectContaining({ host_ip: "0.0.0.0", published: "3100", target: 3000 }),
    ]);
    expect(services.proxy.ports).toEqual([
      expect.objectContaining({ host_ip: "0.0.0.0", published: "8180", target: 8080 }),
    ]);
    expect(services.policy.volumes[0]).toMatchObject({
      source: "/srv/policy",
      target: "/app/services/app/policy",
    });
    expect(services.grader.volumes[0]).toMatchObject({ source: "/srv/reports", target: "/reports" });
    expect(services.app.build.args.NODE_IMAGE).toBe("node:24-example");
    expect(services.policy.build.args.NODE_IMAGE).toBe("node:24-example");
    expect(services.grader.build.args.NODE_IMAGE).toBe("node:24-example");
  });

  it("publishes a port per role with docker-compose.forwarded.yml, from the role ports' variables", async () => {
    const { services } = await renderedConfig({
      projectName: "cors-lab-config",
      env: { LAB_API_PORT: "9081", LAB_LOOPBACK_PORT: "9001" },
      envFile: "/dev/null",
      extraFiles: ["docker-compose.forwarded.yml"],
    });
    const published = (service: string) =>
      ((services[service] as { ports: { published: string; target: number }[] }).ports ?? []).map(
        (port) => `${port.published}->${port.target}`,
      );
    expect(published("app")).toEqual(["3000->3000", "9001->3000"]);
    expect(published("proxy")).toEqual([
      "8080->8080",
      "9081->8080",
      "8082->8080",
      "8083->8080",
      "8084->8080",
      "8085->8080",
    ]);
  });
});
