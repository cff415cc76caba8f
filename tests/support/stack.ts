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

/** The container id of a service of the test's project. */
export async function containerId(info: StackInfo, service: string): Promise<string> {
  const result = await compose(info, ["ps", "-a", "-q", service]);
  const id = result.stdout.trim();
  if (result.code !== 0 || id === "") throw new Error(`Cannot find the container of service "${service}"`);
  return id;
}

/** The parts of `docker inspect` the tests read. */
export interface ContainerState {
  readonly RestartCount: number;
  readonly Config: { readonly User: string };
  readonly HostConfig: {
    readonly ReadonlyRootfs: boolean;
    readonly CapDrop: readonly string[] | null;
    readonly CapAdd: readonly string[] | null;
    readonly SecurityOpt: readonly string[] | null;
  };
}

export async function inspect(info: StackInfo, service: string): Promise<ContainerState> {
  const result = await run("docker", ["inspect", await containerId(info, service)]);
  const [state] = JSON.parse(result.stdout) as ContainerState[];
  if (state === undefined) throw new Error(`Cannot inspect the container of service "${service}"`);
  return state;
}

/** Established TCP connections inside a service's network namespace, from /proc/net/tcp{,6}. */
export async function establishedConnections(info: StackInfo, service: string): Promise<number> {
  const result = await compose(info, ["exec", "-T", service, "cat", "/proc/net/tcp", "/proc/net/tcp6"]);
  if (result.code !== 0) throw new Error(`Cannot read the sockets of "${service}": ${result.stderr}`);
  // Each line: sl local_address rem_address st …; st 01 is ESTABLISHED.
  return result.stdout.split("\n").filter((line) => line.trim().split(/\s+/)[3] === "01").length;
}

/**
 * Stops (SIGSTOP) or resumes (SIGCONT) the node process of a service: a hung app whose container
 * still runs, unlike `docker compose pause`, which also freezes the health check.
 */
export async function signalNode(info: StackInfo, service: string, signal: "STOP" | "CONT"): Promise<void> {
  const script = `for p in /proc/[0-9]*; do case "$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)" in "node "*services/*) kill -${signal} \${p#/proc/};; esac; done`;
  const result = await compose(info, ["exec", "-T", service, "sh", "-c", script]);
  if (result.code !== 0)
    throw new Error(`Cannot send SIG${signal} to the node process of "${service}": ${result.stderr}`);
}
