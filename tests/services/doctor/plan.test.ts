// One doctor's truth (issue #21): `npm run doctor` and `sh doctor.sh` look at the same things (the
// origin set, the minimum versions, the ports and their variables, the hosts-file names, the origins
// asked), in every origin set, GitHub Codespaces and Gitpod included, with settings from the
// environment or from .env. Both run as real processes here, from a folder of their own.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../../services/shared/src/command.ts";
import { DEFAULTS } from "../../../services/shared/src/defaults.ts";
import { LAB_SERVER } from "../../../services/shared/src/http-server.ts";
import { ROOT } from "../../support/docker.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-doctor-"));
  await copyFile(join(ROOT, "doctor.sh"), join(dir, "doctor.sh"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Each doctor's plan for `env` (and `.env`, when given), run from the scratch folder. */
async function plans(env: Record<string, string>, dotEnv = "") {
  await writeFile(join(dir, ".env"), dotEnv);
  const base = { PATH: process.env.PATH ?? "", HOME: dir, ...env };
  // Each reads .env from its folder: the node doctor from where it runs, doctor.sh from beside itself.
  const node = await runCommand(process.execPath, [join(ROOT, "services/doctor/src/main.ts"), "--plan"], {
    cwd: dir,
    env: base,
    inherit: false,
  });
  const sh = await runCommand("sh", [join(dir, "doctor.sh"), "--plan"], { env: base, inherit: false });
  return { node, sh };
}

const SCENARIOS: readonly (readonly [string, Record<string, string>, string, readonly string[]])[] = [
  [
    "the default origins",
    {},
    "",
    ["set default", "port 3000 APP_PORT", "name app.local", "ask http://app.local:8080 8080"],
  ],
  ["the localhost set", { LAB_ORIGIN_SET: "localhost" }, "", ["set localhost", "browser-name app.localhost"]],
  [
    "moved ports, from .env",
    {},
    "APP_PORT=3100\nPROXY_PORT=8180\nAPP_HOST_PORT=13100\n",
    ["port 13100 APP_HOST_PORT", "port 8180 PROXY_PORT", "ask http://localhost:3100 13100"],
  ],
  [
    "a forwarder's template",
    { LAB_FORWARD_TEMPLATE: "http://lab-vm:{port}" },
    "",
    ["set forwarded", "port 8084 LAB_SIBLING_PORT"],
  ],
  [
    "GitHub Codespaces",
    {
      CODESPACES: "true",
      CODESPACE_NAME: "ada-lab-x7",
      GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev",
    },
    "",
    ["set forwarded", "port 3001 LAB_LOOPBACK_PORT"],
  ],
  [
    "Gitpod",
    { GITPOD_WORKSPACE_URL: "https://ada-lab-x7.ws-eu10.gitpod.io" },
    "",
    ["set forwarded", "port 8081 LAB_API_PORT"],
  ],
  [
    "Codespaces with the set chosen by hand",
    {
      CODESPACES: "true",
      CODESPACE_NAME: "a",
      GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev",
      LAB_ORIGIN_SET: "localhost",
    },
    "",
    ["set localhost"],
  ],
];

describe("the two doctors", () => {
  it.each(SCENARIOS)("plan the same for %s", async (_name, env, dotEnv, expected) => {
    const { node, sh } = await plans(env, dotEnv);
    expect(node.code, node.stderr + node.stdout).toBe(0);
    expect(sh.code, sh.stderr + sh.stdout).toBe(0);
    expect(sh.stdout).toBe(node.stdout);
    const lines = node.stdout.trim().split("\n");
    for (const line of expected) expect(lines).toContain(line);
    expect(lines).toContain(`server ${LAB_SERVER}`);
  });

  it("hold the code's defaults and minimums", async () => {
    const { node } = await plans({});
    expect(node.stdout).toContain(
      `port ${DEFAULTS.APP_PORT} APP_PORT\nport ${DEFAULTS.PROXY_PORT} PROXY_PORT\n`,
    );
    const forwarded = (await plans({ LAB_FORWARD_TEMPLATE: "https://{port}.x.test" })).sh.stdout;
    for (const name of [
      "LAB_LOOPBACK_PORT",
      "LAB_API_PORT",
      "LAB_ATTACKER_PORT",
      "LAB_LOOKALIKE_PORT",
      "LAB_SIBLING_PORT",
    ] as const)
      expect(forwarded).toContain(`port ${DEFAULTS[name]} ${name}\n`);
  });

  it.each([
    [{ LAB_ORIGIN_SET: "cloud" }, 'LAB_ORIGIN_SET="cloud" is not valid'],
    [{ LAB_ORIGIN_SET: "forwarded" }, 'LAB_ORIGIN_SET="forwarded" is not valid'],
  ])("both refuse %o with exit code 2, naming the variable", async (env, words) => {
    const { node, sh } = await plans(env);
    expect([node.code, sh.code]).toEqual([2, 2]);
    expect(node.stdout).toContain(words);
    expect(sh.stdout).toContain(words);
  });
});
