// .devcontainer/devcontainer.json, read by the Dev Containers CLI itself (read-configuration), and
// held to what the lab needs in a cloud workspace: every role's port forwarded, quietly, at the same
// port on a desktop; Docker inside the container; the images built once, the lab started each time.
import { access, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLabOrigins } from "../../services/shared/src/lab-origins.ts";
import { ROOT, run } from "../support/docker.ts";

const CLI = join(ROOT, "node_modules/.bin/devcontainer");

interface DevContainer {
  image?: string;
  features?: Record<string, unknown>;
  containerEnv?: Record<string, string>;
  forwardPorts?: number[];
  portsAttributes?: Record<string, { label?: string; onAutoForward?: string; requireLocalPort?: boolean }>;
  otherPortsAttributes?: { onAutoForward?: string };
  postCreateCommand?: string;
  postStartCommand?: string;
}

/** The configuration of the dev container in `workspace`, as the Dev Containers CLI reads it. */
async function readConfiguration(workspace: string): Promise<DevContainer> {
  const result = await run(CLI, ["read-configuration", "--workspace-folder", workspace]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout).configuration as DevContainer;
}

/** The ports of every role behind a forwarder, as the lab computes them. */
const ROLE_PORTS = [
  ...new Set(Object.values(readLabOrigins({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" }).ports)),
].sort((a, b) => a - b);

/** What is wrong with a configuration, for the lab; empty when nothing is. */
async function problems(config: DevContainer): Promise<string[]> {
  const found: string[] = [];
  const ports = [...(config.forwardPorts ?? [])].sort((a, b) => a - b);
  if (JSON.stringify(ports) !== JSON.stringify(ROLE_PORTS))
    found.push(`forwardPorts ${ports} is not ${ROLE_PORTS}`);
  for (const port of ROLE_PORTS) {
    const attributes = config.portsAttributes?.[String(port)];
    if (!attributes?.label) found.push(`port ${port} has no label`);
    if (attributes?.onAutoForward !== "silent") found.push(`port ${port} is not forwarded silently`);
    if (attributes?.requireLocalPort !== true) found.push(`port ${port} may move to another local port`);
  }
  if (config.otherPortsAttributes?.onAutoForward !== "ignore") found.push("other ports are not ignored");
  if (!Object.keys(config.features ?? {}).some((id) => id.includes("/docker-in-docker:"))) {
    found.push("no docker-in-docker");
  }
  if (!/javascript-node:24\b/.test(config.image ?? "")) found.push(`image ${config.image} is not Node 24`);
  const composeFiles = (config.containerEnv?.COMPOSE_FILE ?? "").split(":");
  if (!composeFiles.includes("docker-compose.forwarded.yml"))
    found.push("the forwarded ports are not published");
  for (const file of composeFiles)
    await access(join(ROOT, file)).catch(() => found.push(`${file} is missing`));
  if (!/docker compose --profile grade build/.test(config.postCreateCommand ?? "")) {
    found.push("the images (the grader's too) are not built when the container is made");
  }
  if (config.postStartCommand !== "bash .devcontainer/start.sh")
    found.push("the lab is not started at start");
  if (!(config.containerEnv?.COMPOSE_PROFILES ?? "").split(",").includes("check"))
    found.push("the warm grader (the Check button's) is not started with the lab");
  return found;
}

describe("the dev container", () => {
  it("is read by the Dev Containers CLI, and gives the lab what it needs", async () => {
    expect(await problems(await readConfiguration(ROOT))).toEqual([]);
  });

  it("would be caught missing a role's port or its attributes", async () => {
    const workspace = await mkdtemp(join(tmpdir(), "cors-lab-devcontainer-"));
    try {
      await cp(join(ROOT, ".devcontainer"), join(workspace, ".devcontainer"), { recursive: true });
      const file = join(workspace, ".devcontainer/devcontainer.json");
      const text = await readFile(file, "utf8");
      await writeFile(
        file,
        text
          .replace("8081, ", "")
          .replace('"onAutoForward": "silent", "requireLocalPort": true }', '"onAutoForward": "notify" }'),
      );
      expect(await problems(await readConfiguration(workspace))).toEqual([
        `forwardPorts 3000,3001,8080,8082,8083,8084,8085 is not ${ROLE_PORTS}`,
        "port 3000 is not forwarded silently",
        "port 3000 may move to another local port",
      ]);
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it("has a start script the shell can read", async () => {
    const checked = await run("bash", ["-n", join(ROOT, ".devcontainer/start.sh")]);
    expect(checked.code, checked.stderr).toBe(0);
  });
});
