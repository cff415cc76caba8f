// Vitest global setup for the stack tests: builds and starts the real docker-compose.yml once per
// test project with Testcontainers, hands its coordinates to the project's tests, serves the turns
// its files take on it (stack-turns.ts), and always tears it down.
import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { compose, ROOT } from "./docker.ts";
import type { StackInfo } from "./stack.ts";
import { serveTurns } from "./stack-turns.ts";
import { makeTestStackEnv } from "./test-stack-env.ts";

// Ryuk, Testcontainers' clean-up sidecar, is an image from a registry; the teardown below cleans up instead.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
const { DockerComposeEnvironment } = await import("testcontainers");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { scratch, env, envFile, reportsDir, policyDir } = await makeTestStackEnv();
  // A stack per test project: each project's files run beside the other's (vitest.config.ts).
  const projectName = `cors-lab-test-${project.name}-${process.pid}`;
  const environment = await new DockerComposeEnvironment(ROOT, "docker-compose.yml")
    .withProjectName(projectName)
    .withEnvironmentFile(envFile)
    .withEnvironment(env)
    .withProfiles("grade")
    .withBuild()
    .withStartupTimeout(120_000)
    .up(["app", "proxy", "policy"]);

  // The grader's image too, so every stack test can rely on it whatever order the files run in.
  const graderBuild = await compose({ projectName, env, envFile }, ["--profile", "grade", "build", "grader"]);
  if (graderBuild.code !== 0) {
    await environment.down();
    await rm(scratch, { recursive: true, force: true });
    throw new Error(`Cannot build the grader image:\n${graderBuild.stderr}`);
  }

  const info: StackInfo = {
    projectName,
    env,
    envFile,
    appPort: environment.getContainer("app-1").getMappedPort(3000),
    proxyPort: environment.getContainer("proxy-1").getMappedPort(8080),
    reportsDir,
    policyDir,
  };
  project.provide("stack", info);
  const turns = await serveTurns();
  project.provide("stackTurns", turns.port);

  return async () => {
    await turns.close();
    await environment.down({ timeout: 10_000, removeVolumes: true });
    await rm(scratch, { recursive: true, force: true });
  };
}
