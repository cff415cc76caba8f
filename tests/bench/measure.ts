// Measuring helpers for the benchmark: wall time of commands, medians, and HTTP load on loopback.
import autocannon from "autocannon";
import { type CommandResult, type ComposeProject, compose } from "../support/docker.ts";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs a Compose command and returns how long it took, in seconds; a failure ends the benchmark. */
/** Seconds a Compose command took; an exit code outside `expectedCodes` is an error. */
export async function timedCompose(
  project: ComposeProject,
  args: readonly string[],
  expectedCodes: readonly number[] = [0],
): Promise<number> {
  const started = performance.now();
  const result: CommandResult = await compose(project, args);
  const seconds = (performance.now() - started) / 1000;
  if (!expectedCodes.includes(result.code)) {
    throw new Error(
      `docker compose ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr.trim()}`,
    );
  }
  return seconds;
}

export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** GET /headers at `port` with the given Host (and headers) for `seconds`, after a one-second warm-up. */
export async function loadFigures(
  port: number,
  host: string,
  connections: number,
  seconds: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<LoadFigures> {
  const options = {
    url: `http://127.0.0.1:${port}/headers`,
    headers: { host, ...headers },
    connections,
    timeout: 10,
  };
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: seconds });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
