import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";

/** The project folder, where docker-compose.yml is. */
const PROJECT = fileURLToPath(new URL("../../../", import.meta.url));

/** The images a student needs to run the lab and grade it; the base image is inside them. */
export const BUNDLE_IMAGES = ["cors-lab:local", "cors-lab-grader:local"] as const;

function docker(args: readonly string[], say: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", [...args], { cwd: PROJECT, stdio: ["ignore", "pipe", "pipe"] });
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => say(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`docker ${args[0]} failed (exit ${code}): ${errors.trim().split("\n").at(-1)}`)),
    );
  });
}

/** Builds the images if need be, then `docker save`s them through gzip into `out`. */
export async function makeBundle(
  out: string,
  say: (line: string) => void,
): Promise<{ bytes: number; seconds: number }> {
  const started = performance.now();
  await docker(["compose", "--profile", "grade", "build", "--quiet"], say);
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
