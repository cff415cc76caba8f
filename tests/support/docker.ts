// Docker and Compose from the tests and the benchmark: commands that never throw on a non-zero exit,
// and what they read off the running containers. No test-runner imports, so the benchmark can use it.
import { type CommandResult, PROJECT_DIR, runCommand } from "../../services/shared/src/command.ts";

export const ROOT = PROJECT_DIR;

/** A Compose project the tests or the benchmark started, and how to address it again. */
export interface ComposeProject {
  readonly projectName: string;
  /** Variables the project was started with; every Compose call must use the same ones. */
  readonly env: Readonly<Record<string, string>>;
  readonly envFile: string;
  /** Compose files besides docker-compose.yml (the benchmark adds nginx). */
  readonly extraFiles?: readonly string[];
}

export type { CommandResult };

/** Runs `docker compose …` against a project, never throwing on a non-zero exit. */
export function compose(
  project: ComposeProject,
  args: readonly string[],
  timeoutMs = 300_000,
): Promise<CommandResult> {
  const files = ["docker-compose.yml", ...(project.extraFiles ?? [])].flatMap((file) => ["-f", file]);
  const base = ["compose", "-p", project.projectName, ...files, "--env-file", project.envFile];
  return run("docker", [...base, ...args], { ...process.env, ...project.env }, timeoutMs);
}

/**
 * Runs a command from the project folder with `env` as its whole environment, never throwing: the
 * host-side tools' own runner (services/shared/src/command.ts), so that the tests read exit codes as
 * the tools do (127 for a command that could not start).
 */
export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return runCommand(command, args, { cwd: ROOT, env: definedOnly(env), timeoutMs, inherit: false });
}

const definedOnly = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/**
 * Starts a container of a test's own on a project's network, named `name` (one left by an earlier
 * run is replaced); throws, naming `what`, when it does not start. `args` are `docker run`'s, after
 * the network. Disposing of it removes it.
 */
export async function startBeside(
  project: ComposeProject,
  name: string,
  what: string,
  args: readonly string[],
): Promise<AsyncDisposable> {
  await run("docker", ["rm", "-f", name]);
  const started = await run("docker", [
    "run",
    "-d",
    "--name",
    name,
    "--network",
    `${project.projectName}_default`,
    // Not one of the project's services, whatever its image says: the lab's images carry the
    // Compose project's label and the app's health check (Compose labels what it builds), which
    // would have Testcontainers wait for it as a service, on a health check it can never pass.
    "--label",
    "com.docker.compose.project=",
    "--no-healthcheck",
    ...args,
  ]);
  if (started.code !== 0) throw new Error(`Cannot start ${what}: ${started.stderr}`);
  return {
    async [Symbol.asyncDispose]() {
      await run("docker", ["rm", "-f", name]);
    },
  };
}

/** `docker compose config` of a project, every profile's services included, as the parsed JSON. */
export async function renderedConfig(
  project: ComposeProject,
): Promise<{ services: Record<string, Record<string, unknown>> }> {
  const rendered = await compose(project, [
    "--profile",
    "grade",
    "--profile",
    "check",
    "--profile",
    "check-engines",
    "config",
    "--format",
    "json",
  ]);
  if (rendered.code !== 0) throw new Error(`docker compose config failed: ${rendered.stderr}`);
  return JSON.parse(rendered.stdout);
}

/** The container id of a service of the test's project. */
export async function containerId(project: ComposeProject, service: string): Promise<string> {
  const result = await compose(project, ["ps", "-a", "-q", service]);
  const id = result.stdout.trim();
  if (result.code !== 0 || id === "") throw new Error(`Cannot find the container of service "${service}"`);
  return id;
}

/** The parts of `docker inspect` the tests read. */
export interface ContainerState {
  readonly RestartCount: number;
  readonly State: { readonly ExitCode: number; readonly Running: boolean };
  readonly Config: { readonly User: string };
  readonly HostConfig: {
    readonly ReadonlyRootfs: boolean;
    readonly CapDrop: readonly string[] | null;
    readonly CapAdd: readonly string[] | null;
    readonly SecurityOpt: readonly string[] | null;
    readonly NetworkMode: string;
  };
}

export async function inspect(project: ComposeProject, service: string): Promise<ContainerState> {
  const result = await run("docker", ["inspect", await containerId(project, service)]);
  const [state] = JSON.parse(result.stdout) as ContainerState[];
  if (state === undefined) throw new Error(`Cannot inspect the container of service "${service}"`);
  return state;
}

interface TcpSocket {
  readonly localPort: number;
  readonly established: boolean;
  /** Bytes received and not yet read by the process. */
  readonly unread: number;
}

/** The TCP sockets inside a service's network namespace, from /proc/net/tcp{,6}. */
async function tcpSockets(project: ComposeProject, service: string): Promise<TcpSocket[]> {
  const result = await compose(project, ["exec", "-T", service, "cat", "/proc/net/tcp", "/proc/net/tcp6"]);
  if (result.code !== 0) throw new Error(`Cannot read the sockets of "${service}": ${result.stderr}`);
  // Each line: sl local_address:port rem_address:port st tx_queue:rx_queue …, in hex; st 01 is ESTABLISHED.
  return result.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => /^\d+:$/.test(fields[0] ?? ""))
    .map(([, local = "", , state = "", queues = ""]) => ({
      localPort: Number.parseInt(local.split(":").at(-1) ?? "", 16),
      established: state === "01",
      unread: Number.parseInt(queues.split(":")[1] ?? "0", 16),
    }));
}

/** Established TCP connections inside a service's network namespace. */
export async function establishedConnections(project: ComposeProject, service: string): Promise<number> {
  return (await tcpSockets(project, service)).filter((socket) => socket.established).length;
}

/** Whether a request waits, unread, on a connection to `port` inside the service (its process stopped, say). */
export async function hasUnreadRequest(
  project: ComposeProject,
  service: string,
  port: number,
): Promise<boolean> {
  return (await tcpSockets(project, service)).some(
    (socket) => socket.established && socket.localPort === port && socket.unread > 0,
  );
}

/**
 * Runs the shell command `action` in a service's container, with `$pid` set to the service's own
 * node process: the one whose entry file is src/main.ts, never a health check that happens to be
 * running (`node services/shared/src/healthcheck.ts`), which /proc may list first.
 */
function inServiceProcess(project: ComposeProject, service: string, action: string): Promise<CommandResult> {
  const script = [
    "for p in /proc/[0-9]*; do",
    `  case "$(tr '\\0' ' ' < "$p/cmdline" 2>/dev/null)" in`,
    `    "node "*services/*/src/main.ts*) pid="\${p#/proc/}"; ${action} ;;`,
    "  esac",
    "done",
  ].join("\n");
  return compose(project, ["exec", "-T", service, "sh", "-c", script]);
}

/**
 * Stops (SIGSTOP) or resumes (SIGCONT) the node process of a service: a hung app whose container
 * still runs, unlike `docker compose pause`, which also freezes the health check.
 */
export async function signalNode(
  project: ComposeProject,
  service: string,
  signal: "STOP" | "CONT",
): Promise<void> {
  const result = await inServiceProcess(project, service, `kill -${signal} "$pid"`);
  if (result.code !== 0)
    throw new Error(`Cannot send SIG${signal} to the node process of "${service}": ${result.stderr}`);
}

export interface MemoryKb {
  /** Resident set: every page in memory, shared ones (the node binary, libraries) counted in full. */
  readonly rss: number;
  /** Proportional set: shared pages divided among the processes that share them. */
  readonly pss: number;
  /** Memory of this process alone: its heap, stacks and other anonymous pages. */
  readonly anonymous: number;
}

/**
 * Memory of the node process in a service's container, from /proc/PID/smaps_rollup. The policy
 * sandbox's node is its PID 1, and its container can start no shell to look for it (issue #19).
 */
export async function memoryKb(project: ComposeProject, service: string): Promise<MemoryKb> {
  const result =
    service === "policy"
      ? await compose(project, ["exec", "-T", service, "cat", "/proc/1/smaps_rollup"])
      : await inServiceProcess(project, service, 'cat "/proc/$pid/smaps_rollup"');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(result.stdout)?.[1]);
  const memory = { rss: field("Rss"), pss: field("Pss"), anonymous: field("Anonymous") };
  if (result.code !== 0 || Number.isNaN(memory.rss)) {
    throw new Error(`Cannot read the memory of the node process of "${service}": ${result.stderr}`);
  }
  return memory;
}
