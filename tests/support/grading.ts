// Grading the running stack as a student would, from the stack tests: the grader's container with
// the lab serving one policy or another, and what its reports say.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { type CommandResult, compose, ROOT } from "./docker.ts";
import { servePolicyFrom, serveStarter } from "./policy.ts";
import type { StackInfo } from "./stack.ts";

/** The stack with more variables set, for the services it starts and the grader alike. */
export function withEnv(info: StackInfo, env: Readonly<Record<string, string>>): StackInfo {
  return { ...info, env: { ...info.env, ...env } };
}

/**
 * Starts (or recreates, when their settings changed) services of the stack as its variables say now,
 * with Testcontainers, and waits for each one's health check (issue #21: no polling of our own).
 */
export async function up(
  info: StackInfo,
  services: readonly string[] = ["app"],
  profiles: readonly string[] = [],
): Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  const { DockerComposeEnvironment, Wait } = await import("testcontainers");
  let environment = new DockerComposeEnvironment(ROOT, ["docker-compose.yml", ...(info.extraFiles ?? [])])
    .withProjectName(info.projectName)
    .withEnvironmentFile(info.envFile)
    .withEnvironment({ ...info.env })
    .withProfiles(...profiles)
    .withStartupTimeout(120_000);
  for (const service of services)
    environment = environment.withWaitStrategy(`${service}-1`, Wait.forHealthCheck());
  await environment.up([...services]);
}

/**
 * Runs `body` with the lab serving the cors-policy.ts of `folder` (saved into the stack's policy
 * folder, no container recreated), and serves the starter policy again after.
 */
export async function withPolicyServed<T>(
  info: StackInfo,
  folder: string,
  body: (project: StackInfo) => Promise<T>,
): Promise<T> {
  await servePolicyFrom(info, folder);
  try {
    return await body(info);
  } finally {
    await serveStarter(info);
  }
}

/** One run of the grader's container, with its arguments, and `docker compose run` options before them. */
export function grade(
  info: StackInfo,
  args: readonly string[],
  runOptions: readonly string[] = [],
): Promise<CommandResult> {
  return compose(info, ["--profile", "grade", "run", "--rm", ...runOptions, "grader", ...args]);
}

/**
 * One run of the engines image's grader (Chromium, Firefox and WebKit; issue #14), with its arguments
 * and `docker compose run` options before them. A variable meant for this run alone goes in as `-e`:
 * set on the project it would change the app's settings, and Compose would recreate the app (and so
 * the network of a warm service beside it).
 */
export function gradeInEngines(
  info: StackInfo,
  args: readonly string[],
  runOptions: readonly string[] = [],
): Promise<CommandResult> {
  return compose(info, ["--profile", "engines", "run", "--rm", ...runOptions, "engines", ...args]);
}

/** The warm services and their profiles: Chromium alone, or the three engines (issue #21). */
const WARM = { "warm-grader": "check", "warm-engines": "check-engines" } as const;
export type WarmService = keyof typeof WARM;

/** Starts a warm grader beside the running stack, and waits until it is healthy. */
export async function startWarm(info: StackInfo, service: WarmService): Promise<void> {
  await up(info, [service], [WARM[service]]);
}

export async function stopWarm(info: StackInfo, service: WarmService): Promise<void> {
  await compose(info, ["--profile", WARM[service], "rm", "-s", "-f", service]);
}

/**
 * One run of the command line inside a warm service's container, which hands it to the warm grader:
 * the browsers are already up, so a run costs its matrix alone.
 */
export function gradeWarm(
  info: StackInfo,
  service: WarmService,
  args: readonly string[],
): Promise<CommandResult> {
  return compose(info, [
    "--profile",
    WARM[service],
    "exec",
    "-T",
    service,
    "node",
    "services/grader/src/main.ts",
    ...args,
  ]);
}

/** Every report of the last grader run: one per check and engine. */
export async function readReports(info: StackInfo): Promise<Report[]> {
  const json = JSON.parse(await readReport(info)) as Report | { steps: Report[] };
  return "steps" in json ? json.steps : [json];
}

/** Where the scripts that drive the grader image's Chromium directly are (tests/stack/in-browser). */
export const IN_BROWSER = "tests/stack/in-browser";

/**
 * Runs `script` of tests/stack/in-browser with `args` in the grader image, in the app's network
 * namespace (mounted where it sits in the repository, so its imports resolve the same way), and
 * returns the JSON line it printed last; `runOptions` go to `docker compose run`.
 */
export async function inBrowser(
  info: StackInfo,
  script: string,
  args: readonly string[] = [],
  runOptions: readonly string[] = [],
  // biome-ignore lint/suspicious/noExplicitAny: each script prints its own shape
): Promise<any> {
  const result = await grade(
    info,
    [`${IN_BROWSER}/${script}`, ...args],
    [
      "--no-deps",
      "--entrypoint",
      "node",
      "--volume",
      `${join(ROOT, IN_BROWSER)}:/app/${IN_BROWSER}:ro`,
      ...runOptions,
    ],
  );
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}");
}

export async function readReport(
  info: Pick<StackInfo, "reportsDir">,
  file = "origin-matrix.json",
): Promise<string> {
  return readFile(join(info.reportsDir, file), "utf8");
}

/** The pairs the last one-check grader run found not as expected, as `page -> target`. */
export async function mismatches(info: StackInfo): Promise<string[]> {
  const report = JSON.parse(await readReport(info)) as Report;
  return report.pairs.filter((pair) => !pair.pass).map((pair) => `${pair.page} -> ${pair.target}`);
}

/** Every pair from these pages to the lab origins other than their own. */
export function crossFrom(pages: readonly string[], targets: readonly string[]): string[] {
  return pages.flatMap((page) =>
    targets.filter((target) => target !== page).map((target) => `${page} -> ${target}`),
  );
}

/** Each step's verdict in the last --all run, from result.json: [name, passed]. */
export async function stepVerdicts(info: StackInfo): Promise<[string, boolean][]> {
  const result = JSON.parse(await readReport(info, "result.json")) as {
    tests: { "test-name": string; passed: boolean }[];
  };
  return result.tests.map((test) => [test["test-name"], test.passed]);
}
