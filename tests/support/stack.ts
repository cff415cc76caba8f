// What the stack tests share: the running Compose project (from stack-setup.ts) and ways to talk to it.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { request } from "undici";
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
export function compose(info: StackInfo, args: readonly string[], timeoutMs = 300_000): Promise<CommandResult> {
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
    execFile(command, [...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTP request to 127.0.0.1:port with a Host header of our choosing (global fetch would
 * silently replace it), so a test can pick the proxy's virtual host.
 */
export async function http(
  port: number,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const { statusCode, headers, body } = await request(`http://127.0.0.1:${port}${path}`, {
    method: (options.method ?? "GET") as "GET",
    headers: { ...(options.host ? { host: options.host } : {}), ...options.headers },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: statusCode, headers, body: await body.text() };
}

export function corsHeaders(headers: HttpAnswer["headers"]): string[] {
  return Object.keys(headers).filter((name) => name.toLowerCase().startsWith("access-control-"));
}
