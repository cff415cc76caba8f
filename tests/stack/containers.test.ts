// How the containers run and what they expose, read off the running stack and its images.
import { describe, expect, it } from "vitest";
import { compose, inspect, renderedConfig, run } from "../support/docker.ts";
import { stack } from "../support/stack.ts";

const info = stack();

interface ComposeService {
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  ports?: { host_ip: string }[];
}

async function renderedServices(env: Record<string, string> = {}): Promise<Record<string, ComposeService>> {
  return (await renderedConfig({ ...info, env: { ...info.env, ...env } })).services as Record<
    string,
    ComposeService
  >;
}

describe("exposure", () => {
  it.each([
    ["app", "3000"],
    ["proxy", "8080"],
  ])("publishes the %s's port on 127.0.0.1 only", async (service, port) => {
    const published = await compose(info, ["port", service, port]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout.trim()).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("binds to the address in BIND_ADDRESS when the user widens it", async () => {
    const services = await renderedServices({ BIND_ADDRESS: "0.0.0.0" });
    expect(services.app?.ports?.map((port) => port.host_ip)).toEqual(["0.0.0.0"]);
    expect(services.proxy?.ports?.map((port) => port.host_ip)).toEqual(["0.0.0.0"]);
  });
});

describe("least privilege", () => {
  it.each(["app", "proxy"])(
    "the %s runs as node, read-only, with no capabilities and no new privileges",
    async (service) => {
      const state = await inspect(info, service);
      expect(state.Config.User).toBe("node");
      expect(state.HostConfig.ReadonlyRootfs).toBe(true);
      expect(state.HostConfig.CapDrop).toEqual(["ALL"]);
      expect(state.HostConfig.CapAdd ?? []).toEqual([]);
      expect(state.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    },
  );

  it("the grader is locked down too, keeping only what it needs to become the reports' owner", async () => {
    const { grader } = await renderedServices();
    expect(grader).toMatchObject({
      read_only: true,
      cap_drop: ["ALL"],
      cap_add: ["SETUID", "SETGID"],
      security_opt: ["no-new-privileges:true"],
    });
  });
});

describe("what the images carry", () => {
  it.each([
    ["cors-lab:local", ["lab", "node_modules", "package.json", "services"]],
    ["cors-lab-grader:local", ["lab", "node_modules", "package.json", "services"]],
  ])("%s holds only what it runs, and no .env anywhere", async (image, expected) => {
    const listing = await run("docker", [
      "run",
      "--rm",
      "--user",
      "root",
      "--entrypoint",
      "sh",
      image,
      "-c",
      "ls -A /app; find / -xdev \\( -name '.env' -o -name '.git' \\) -print 2>/dev/null",
    ]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout.trim().split("\n")).toEqual(expected);
  });

  it("keeps .env out of git and out of the Docker build context", async () => {
    expect((await run("git", ["check-ignore", "-q", ".env"])).code).toBe(0);
    const dockerignore = await run("grep", ["-qx", ".env", ".dockerignore"]);
    expect(dockerignore.code).toBe(0);
  });
});
