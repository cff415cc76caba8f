// The doctor (npm run doctor, and doctor.sh for a machine without Node) against the real stack: all
// well, and each failure it knows, each with its line and a non-zero exit (issue #13).
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../services/shared/src/defaults.ts";
import { ROOT, run } from "../support/docker.ts";
import { up, withEnv } from "../support/grading.ts";
import { freePort, listen } from "../support/http.ts";
import { stack } from "../support/stack.ts";

const info = stack();

/** The settings a doctor run reads: the stack's host ports unless a scenario says otherwise. */
function settings(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LAB_ORIGIN_SET: "localhost",
    LAB_FORWARD_TEMPLATE: "",
    APP_PORT: "3000",
    PROXY_PORT: "8080",
    APP_HOST_PORT: String(info.appPort),
    PROXY_HOST_PORT: String(info.proxyPort),
    BIND_ADDRESS: "127.0.0.1",
    ...overrides,
  };
}

const DOCTORS = [
  ["npm run doctor", (env: NodeJS.ProcessEnv) => run(process.execPath, ["services/doctor/src/main.ts"], env)],
  ["doctor.sh", (env: NodeJS.ProcessEnv) => run("sh", [`${ROOT}doctor.sh`], env)],
] as const;

describe.each(DOCTORS)("%s", (_name, doctor) => {
  beforeAll(async () => {
    await up(withEnv(info, { LAB_ORIGIN_SET: "localhost" }), ["app", "proxy"]);
  });
  afterAll(async () => {
    await up(info, ["app", "proxy"]);
  });

  it("says all is well, with exit code 0, when it is", async () => {
    const result = await doctor(settings());
    expect(result.stdout, result.stderr).toContain("All is well.");
    expect(result.stdout).not.toMatch(/^FAIL/m);
    expect(result.stdout).toMatch(/^ok {3}Docker \S+ with Compose \S+\.$/m);
    expect(result.stdout).toContain(`Port ${info.appPort} is the lab's, already running.`);
    expect(result.stdout).toContain("The lab answers at every origin");
    expect(result.stdout).toMatch(/^ok {3}The grader's image is there/m);
    expect(result.code).toBe(0);
  });

  it("names a port taken by another program, and what to set instead", async () => {
    await using other = await listen(createServer((_req, res) => res.end("not the lab")));
    const result = await doctor(settings({ APP_HOST_PORT: String(other.port) }));
    expect(result.stdout).toContain(
      `FAIL Port ${other.port} is taken by another program: stop it, or give the lab another port with APP_HOST_PORT=… in .env.`,
    );
    expect(result.code).toBe(1);
  });

  it("says the lab is not running, and how to start it, when nothing answers", async () => {
    const result = await doctor(
      settings({ APP_HOST_PORT: String(await freePort()), PROXY_HOST_PORT: String(await freePort()) }),
    );
    expect(result.stdout).toContain(
      "FAIL The lab is not running: start it with `docker compose up -d --wait`.",
    );
    expect(result.code).toBe(1);
  });
});

/**
 * A doctor run in a container of the base image, whose only resolver is the hosts file Docker writes
 * (`--add-host` lines, or none), so that both answers can be seen on any machine (issue #21).
 */
function doctorWithHosts(command: readonly string[], hosts: readonly string[]) {
  return run("docker", [
    "run",
    "--rm",
    "--network",
    "none",
    ...hosts.flatMap((host) => ["--add-host", `${host}:127.0.0.1`]),
    "--volume",
    `${ROOT}:/lab:ro`,
    "--workdir",
    "/lab",
    "--env",
    "LAB_ORIGIN_SET=default",
    DEFAULTS.NODE_IMAGE,
    ...command,
  ]);
}

describe.each([
  ["npm run doctor", ["node", "services/doctor/src/main.ts"]],
  ["doctor.sh", ["sh", "doctor.sh"]],
])("%s on the names", (_name, command) => {
  it("says each name resolves when the hosts file has the line", async () => {
    const result = await doctorWithHosts(command, ["app.local", "api.local", "evil.app.local"]);
    for (const host of ["app.local", "api.local", "evil.app.local"])
      expect(result.stdout, result.stderr).toMatch(
        new RegExp(`^ok {3}${host.replace(/\./g, "\\.")} resolves to this machine`, "m"),
      );
  });

  it("gives the hosts-file lines to add when the names do not resolve", async () => {
    const result = await doctorWithHosts(command, []);
    expect(result.stdout, result.stderr).toMatch(/^FAIL app\.local,? (and )?api\.local/m);
    expect(result.stdout).toContain(
      "`127.0.0.1 app.local api.local evil.app.local` and `::1 app.local api.local evil.app.local`",
    );
    expect(result.stdout).toContain("LAB_ORIGIN_SET=localhost");
    expect(result.code).toBe(1);
  });
});
