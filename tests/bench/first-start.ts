// The bench's first-start figures (issue #13): from an engine that holds only the base image, how
// long the first `docker compose up --wait` and the first grade take (each builds an image) and how
// much this machine downloads meanwhile; then the offline bundle's size, and the time to load it
// and start the lab from it with building and pulling refused.
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_IMAGES, makeBundle } from "../../services/bundle/src/bundle.ts";
import { type ComposeProject, run } from "../support/docker.ts";
import { timedCompose } from "./measure.ts";

export interface FirstStart {
  readonly upSeconds: number;
  readonly upDownloadedMb: number;
  readonly gradeSeconds: number;
  readonly gradeDownloadedMb: number;
  readonly bundleMb: number;
  readonly bundleSeconds: number;
  readonly loadSeconds: number;
  readonly startFromBundleSeconds: number;
}

/** Bytes received so far by the interface of the default route: what the machine downloaded. */
async function receivedBytes(): Promise<number> {
  const routes = await readFile("/proc/net/route", "utf8");
  const device = routes
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1] === "00000000")?.[0];
  if (device === undefined) return Number.NaN;
  return Number(await readFile(`/sys/class/net/${device}/statistics/rx_bytes`, "utf8"));
}

async function measured<T>(action: () => Promise<T>): Promise<{ value: T; seconds: number; mb: number }> {
  const bytes = await receivedBytes();
  const started = performance.now();
  const value = await action();
  return {
    value,
    seconds: (performance.now() - started) / 1000,
    mb: ((await receivedBytes()) - bytes) / 1e6,
  };
}

export async function firstStart(project: ComposeProject, say: (line: string) => void): Promise<FirstStart> {
  say("first start: removing the project's images and the build cache (the base image stays)");
  await run("docker", ["rmi", "-f", ...BUNDLE_IMAGES, "cors-lab-bench-nginx:local"]);
  await run("docker", ["builder", "prune", "-af"], process.env, 600_000);
  const up = await measured(() => timedCompose(project, ["up", "-d", "--wait", "app", "proxy"]));
  // The grader's first run: the default check, on the untouched lab, builds its image on the way.
  const grade = await measured(() =>
    timedCompose(project, ["--profile", "grade", "run", "--rm", "--build", "grader"]),
  );
  await timedCompose(project, ["down"]);

  say("offline bundle: making it, loading it, starting from it");
  const archive = join(tmpdir(), `cors-lab-bench-bundle-${process.pid}.tar.gz`);
  try {
    const bundle = await makeBundle(archive);
    await run("docker", ["rmi", "-f", ...BUNDLE_IMAGES]);
    const loaded = await measured(() => run("docker", ["load", "-i", archive], process.env, 600_000));
    if (loaded.value.code !== 0) throw new Error(`docker load failed: ${loaded.value.stderr}`);
    const start = await measured(() =>
      timedCompose(project, ["up", "-d", "--wait", "--no-build", "--pull", "never", "app", "proxy"]),
    );
    await timedCompose(project, ["down"]);
    return {
      upSeconds: up.seconds,
      upDownloadedMb: up.mb,
      gradeSeconds: grade.seconds,
      gradeDownloadedMb: grade.mb,
      bundleMb: bundle.bytes / 1e6,
      bundleSeconds: bundle.seconds,
      loadSeconds: loaded.seconds,
      startFromBundleSeconds: start.seconds,
    };
  } finally {
    await rm(archive, { force: true });
  }
}

export function renderFirstStart(f: FirstStart): string[] {
  const row = (what: string, seconds: number, mb?: number) =>
    `${what.padEnd(52)}${`${seconds.toFixed(1)} s`.padEnd(10)}${mb === undefined ? "" : `downloads ${mb.toFixed(0)} MB`}`;
  return [
    "first start, from an engine holding only node:24-bookworm-slim",
    row("  docker compose up --wait (builds the lab image)", f.upSeconds, f.upDownloadedMb),
    row("  first grade (builds the grader image)", f.gradeSeconds, f.gradeDownloadedMb),
    `  a room of 30 building for itself downloads ${((30 * (f.upDownloadedMb + f.gradeDownloadedMb)) / 1000).toFixed(1)} GB`,
    `offline bundle (npm run bundle): ${f.bundleMb.toFixed(0)} MB, made in ${f.bundleSeconds.toFixed(0)} s`,
    row("  docker load -i (every image, no network)", f.loadSeconds),
    row("  then up --wait --no-build --pull never", f.startFromBundleSeconds),
  ];
}
