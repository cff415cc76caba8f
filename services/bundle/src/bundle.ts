import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { PROJECT_DIR, runCommand } from "../../shared/src/command.ts";

/** The images a student needs to run the lab and grade it; the base image is inside them. */
export const BUNDLE_IMAGES = ["cors-lab:local", "cors-lab-grader:local"] as const;

/** Builds the images if need be, then `docker save`s them through gzip into `out`. */
export async function makeBundle(out: string): Promise<{ bytes: number; seconds: number }> {
  const started = performance.now();
  const built = await runCommand("docker", ["compose", "--profile", "grade", "build", "--quiet"], {
    cwd: PROJECT_DIR,
    timeoutMs: 1_800_000,
  });
  if (built.code !== 0) {
    throw new Error(
      `docker compose build failed (exit ${built.code}): ${built.stderr.trim().split("\n").at(-1)}`,
    );
  }
  const save = spawn("docker", ["save", ...BUNDLE_IMAGES], { stdio: ["ignore", "pipe", "pipe"] });
  let errors = "";
  save.stderr.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<number>((resolve) => save.on("close", (code) => resolve(code ?? 1)));
  await pipeline(save.stdout, createGzip({ level: 6 }), createWriteStream(out));
  const code = await exited;
  if (code !== 0) throw new Error(`docker save failed (exit ${code}): ${errors.trim()}`);
  return { bytes: (await stat(out)).size, seconds: (performance.now() - started) / 1000 };
}
