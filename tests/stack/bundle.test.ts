// The offline bundle (npm run bundle): made, every lab image removed, loaded from the archive, and a
// lab started from it with building and pulling both refused, whose 16-pair matrix is as expected.
// It runs apart from every other stack test, whose images it takes away for a while
// (vitest.config.ts), on a lab of its own.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_IMAGES, makeBundle } from "../../services/bundle/src/bundle.ts";
import { compose, run } from "../support/docker.ts";
import { makeTestStackEnv } from "../support/test-stack-env.ts";

const imageId = async (image: string) =>
  (await run("docker", ["image", "inspect", "--format", "{{.Id}}", image])).stdout.trim();

describe("the offline bundle", () => {
  it("brings back every image, and starts a lab that grades as expected with no build and no pull", async () => {
    const { scratch, env, envFile, reportsDir } = await makeTestStackEnv();
    const archive = join(scratch, "cors-lab-bundle.tar.gz");
    const project = { projectName: `cors-lab-test-bundle-${process.pid}`, env, envFile };
    try {
      const { bytes } = await makeBundle(archive);
      expect(bytes).toBeGreaterThan(100e6);
      const built = await Promise.all(BUNDLE_IMAGES.map(imageId));
      const removed = await run("docker", ["rmi", "-f", ...BUNDLE_IMAGES]);
      expect(removed.code, removed.stderr).toBe(0);
      for (const image of BUNDLE_IMAGES) expect(await imageId(image)).toBe("");

      const loaded = await run("docker", ["load", "-i", archive], process.env, 600_000);
      expect(loaded.code, loaded.stderr).toBe(0);
      expect(await Promise.all(BUNDLE_IMAGES.map(imageId))).toEqual(built);

      const started = await compose(project, [
        "up",
        "-d",
        "--wait",
        "--no-build",
        "--pull",
        "never",
        "app",
        "proxy",
      ]);
      expect(started.code, started.stderr).toBe(0);
      // The grader's service never pulls (pull_policy: never), and builds only when asked to.
      const graded = await compose(project, ["--profile", "grade", "run", "--rm", "grader"]);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain(
        "16 pairs: 4 allowed, 12 blocked by CORS, 0 blocked for another reason",
      );
      // Nothing was built meanwhile: the images are still the loaded ones.
      expect(await Promise.all(BUNDLE_IMAGES.map(imageId))).toEqual(built);
      const report = JSON.parse(await readFile(join(reportsDir, "origin-matrix.json"), "utf8"));
      expect(report.summary).toMatchObject({ pairs: 16, passed: 16 });
    } finally {
      await compose(project, ["--profile", "grade", "down", "--volumes"]);
      // Whatever happened above, the images the other tests use are there again.
      if ((await Promise.all(BUNDLE_IMAGES.map(imageId))).includes("")) {
        await compose(project, ["--profile", "grade", "build"], 900_000);
      }
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
