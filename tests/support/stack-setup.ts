// Vitest global setup for the stack tests: builds and starts the real docker-compose.yml once with
// Testcontainers, hands its coordinates to the tests, and always tears it down.
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { compose, ROOT } from "./docker.ts";
import { freePort } from "./http.ts";
import type { StackInfo } from "./stack.ts";

// Ryuk, Testcontainers' clean-up sidecar, is an image from a registry; the teardown below cleans up instead.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
const { DockerComposeEnvironment } = await import("testcontainers");

const REPORTS_OWNER = 4242;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = await mkdtemp(join(tmpdir(), "cors-lab-test-"));
  const reportsDir = join(scratch, "reports");
  // The policy folder the sandbox reads, mounted once: tests serve a policy by saving the file there.
  const policyDir = join(scratch, "policy");
  await mkdir(policyDir);
  await chmod(policyDir, 0o755);
  await copyFile(join(ROOT, "services/app/policy/cors-policy.ts"), join(policyDir, "cors-policy.ts"));
  await chmod(join(policyDir, "cors-policy.ts"), 0o644);
  const envFile = join(scratch, "empty.env");
  // An empty env file, so a developer's own .env (say, with a CORS policy turned on) cannot leak in.
  await writeFile(envFile, "");
  await mkdir(reportsDir);
  // The grader writes as the owner of this folder. Run as root (as in CI), give it an owner that is
  // neither root nor the image's own user, so the tests see the grader really take on the owner's id.
  if (process.getuid?.() === 0) await chown(reportsDir, REPORTS_OWNER, REPORTS_OWNER);
  await chmod(reportsDir, 0o755);
  const env: Record<string, string> = {
    BIND_ADDRESS: "127.0.0.1",
    APP_PORT: "3000",
    // Free host ports picked now rather than Docker's ephemeral ones, which change when a test restarts
    // a container; either way a lab already running on 3000/8080 is left alone.
    APP_HOST_PORT: String(await freePort()),
    PROXY_HOST_PORT: String(await freePort()),
    PROXY_PORT: "8080",
    REPORTS_DIR: reportsDir,
    LAB_ORIGINS: "",
    PROXY_ROUTES: "",
    CORS_ALLOW_ORIGINS: "",
    CORS_ALLOW_METHODS: "",
    CORS_ALLOW_HEADERS: "",
    CORS_EXPOSE_HEADERS: "",
    CORS_ALLOW_CREDENTIALS: "",
    CORS_MAX_AGE: "",
    GRADER_EXPECT: "",
    CORS_POLICY_DIR: policyDir,
    // Short enough for the slow-client and hung-app tests to finish quickly.
    HTTP_HEADERS_TIMEOUT_MS: "2000",
    HTTP_REQUEST_TIMEOUT_MS: "30000",
    PROXY_UPSTREAM_TIMEOUT_MS: "3000",
    PROXY_MAX_BODY_BYTES: "1048576",
  };
  const projectName = `cors-lab-test-${process.pid}`;
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

  return async () => {
    await environment.down({ timeout: 10_000, removeVolumes: true });
    await rm(scratch, { recursive: true, force: true });
  };
}
