// The doctor's own logic: versions, the ports of each origin set, bad settings, and what it says when
// Docker is missing, stopped or too old (the `docker` command is replaced by a recorded answer here:
// the machine's real Docker cannot be made to vanish; the stack tests run the doctor against it).
import { describe, expect, it } from "vitest";
import { readDoctorConfig } from "../../../services/doctor/src/config.ts";
import { runDoctor } from "../../../services/doctor/src/doctor.ts";
import { type CommandRunner, versionAtLeast } from "../../../services/doctor/src/system.ts";

describe("versionAtLeast", () => {
  it.each([
    ["26.1.5+dfsg1", "25.0.0", true],
    ["25.0.0", "25.0.0", true],
    ["24.0.9", "25.0.0", false],
    ["2.26.1-desktop.1", "2.20.0", true],
    ["2.9.0", "2.20.0", false],
  ])("%s >= %s is %s", (version, minimum, expected) => {
    expect(versionAtLeast(version, minimum)).toBe(expected);
  });
});

describe("the ports the doctor checks", () => {
  it("are the two published ports, or with a forwarder every role's, each with its variable", () => {
    expect(readDoctorConfig({}).ports).toEqual([
      { port: 3000, variable: "APP_PORT" },
      { port: 8080, variable: "PROXY_PORT" },
    ]);
    expect(
      readDoctorConfig({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" }).ports.map((p) => p.variable),
    ).toEqual([
      "APP_PORT",
      "PROXY_PORT",
      "LAB_LOOPBACK_PORT",
      "LAB_API_PORT",
      "LAB_ATTACKER_PORT",
      "LAB_LOOKALIKE_PORT",
      "LAB_SIBLING_PORT",
      "LAB_PUBLIC_PORT",
    ]);
  });
});

/** A `docker` that answers each command as given, by its first arguments. */
function docker(answers: Record<string, { code: number; stdout?: string; stderr?: string }>): CommandRunner {
  return async (_command, args) => {
    const key = Object.keys(answers).find((prefix) => args.join(" ").startsWith(prefix));
    const answer = key === undefined ? { code: 1 } : answers[key];
    return { code: answer?.code ?? 1, stdout: answer?.stdout ?? "", stderr: answer?.stderr ?? "" };
  };
}

async function firstLines(system: CommandRunner, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await runDoctor(
    { LAB_ORIGIN_SET: "localhost", APP_PORT: "1", PROXY_PORT: "2", ...env },
    system,
    (line) => lines.push(line.trimEnd()),
  );
  return { code, lines };
}

describe("the doctor on Docker", () => {
  it.each([
    [docker({}), "FAIL Docker was not found: install Docker Desktop"],
    [
      docker({
        version: { code: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" },
      }),
      "FAIL Docker is installed but not running: start Docker Desktop",
    ],
    [
      docker({ version: { code: 0, stdout: "24.0.7" }, "compose version": { code: 0, stdout: "v2.24.0" } }),
      "FAIL Docker Engine 24.0.7 is too old: the lab needs 25.0.0 or newer; update Docker.",
    ],
    [
      docker({ version: { code: 0, stdout: "26.1.5" }, "compose version": { code: 0, stdout: "v2.12.2" } }),
      "FAIL Docker Compose 2.12.2 is too old: the lab needs 2.20.0 or newer; update Docker.",
    ],
  ])("says what is wrong and what to do (%#)", async (system, line) => {
    const { code, lines } = await firstLines(system);
    expect(lines[1]).toContain(line);
    expect(code).toBe(1);
  });

  it("names a bad setting, with exit code 2", async () => {
    const { code, lines } = await firstLines(docker({}), { LAB_ORIGIN_SET: "cloud" });
    expect(lines).toEqual([
      'FAIL LAB_ORIGIN_SET="cloud" is not valid: expected one of default, localhost, forwarded: fix it in .env.',
    ]);
    expect(code).toBe(2);
  });
});
