// What the stack tests share: the running Compose project (from stack-setup.ts) and ways to talk to it.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

export interface StackInfo {
  readonly projectName: string;
  /** Variables the stack was started with; every Compose call must use the same ones. */
  readonly env: Readonly<Record<string, string>>;
  readonly envFile: string;
  readonly appPort: number;
  readonly proxyPort: number;
  readonly reportsDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const LAB_ORIGINS = [
  "http://localhost:3000",
  "http://127.0.0.1:3000",
  "http://app.local:8080",
  "http://api.local:8080",
] as const;

export function stack(): StackInfo {
  return inject("stack");
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `docker compose …` against the test's project, never throwing on a non-zero exit. */
export function compose(
  info: StackInfo,
  args: readonly string[],
  timeoutMs = 300_000,
): Promise<CommandResult> {
  const base = ["compose", "-p", info.projectName, "-f", "docker-compose.yml", "--env-file", info.envFile];
  return run("docker", [...base, ...args], { ...process.env, ...info.env }, timeoutMs);
}

export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
