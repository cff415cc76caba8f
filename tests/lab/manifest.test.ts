// The guide's manifest must match the folders, and every step's expectations must load.
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPairsAgainstOrigins } from "../../services/grader/src/matrix.ts";
import { loadExpectations } from "../../services/shared/src/expectations.ts";
import { type LabStep, readManifest } from "../../services/shared/src/lab-manifest.ts";
import { readLabOrigins } from "../../services/shared/src/lab-origins.ts";
import { ROOT } from "../support/docker.ts";

const LAB = join(ROOT, "lab");
const steps = await readManifest(LAB);

describe("the lab manifest", () => {
  it.each(steps)(
    "step $number has its folder, a text titled like the manifest, and a one-sentence check",
    async (step) => {
      const text = await readFile(join(LAB, step.folder, "README.md"), "utf8");
      expect(text.split("\n")[0]).toBe(
        `# Step ${step.number} — ${step.title.replace("/headers", "`/headers`")}`,
      );
      expect(step.sentence).toMatch(/^[A-Z][^\n]{0,150}\.$/); // one sentence a learner reads at a glance
    },
  );

  // Every origin set: expectation files name roles, so one file holds for all of them (issue #9).
  const sets = [
    {},
    { LAB_ORIGIN_SET: "localhost" },
    { LAB_FORWARD_TEMPLATE: "https://{port}.forwarded.test" },
    {
      CODESPACES: "true",
      CODESPACE_NAME: "ada-lab-x9",
      GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev",
    },
  ];
  const withExpectations = steps.filter((step) => step.expectations !== undefined);
  it.each(withExpectations.flatMap((step) => sets.map((env) => [step.number, step, env] as const)))(
    "step %i's expectations load and name only lab origins, in the origin set %j",
    async (_number, step, env) => {
      const path = join(LAB, step.folder, step.expectations as string);
      await access(path);
      const origins = readLabOrigins(env);
      const expectations = await loadExpectations(path, origins);
      expect(() => checkPairsAgainstOrigins(path, expectations, origins.lab)).not.toThrow();
      for (const page of expectations.pages)
        expect([...Object.values(origins.byRole), "null"]).toContain(page);
    },
  );
});

const solved = steps.filter((step) => step.solution !== undefined);

describe("reference solutions", () => {
  it("are listed for exactly the steps whose folder holds one (and there are some)", async () => {
    const onDisk = [];
    for (const step of steps) {
      const found = await access(join(LAB, step.folder, "solution", "cors-policy.ts")).then(
        () => true,
        () => false,
      );
      if (found) onDisk.push(step.number);
    }
    expect(onDisk.length).toBeGreaterThan(0);
    expect(solved.map((step) => step.number)).toEqual(onDisk);
  });

  it.each(solved)("step $number has its cors-policy.ts", async (step) => {
    await access(join(LAB, step.folder, step.solution as string, "cors-policy.ts"));
  });
});

describe("the guide's pictures", () => {
  const pictures = async (step: LabStep) =>
    [
      ...(await readFile(join(LAB, step.folder, "README.md"), "utf8")).matchAll(/!\[[^\]]*\]\(([^)]+)\)/g),
    ].map((match) => match[1] as string);

  it("are some, made by npm run screenshots", async () => {
    expect((await Promise.all(steps.map(pictures))).flat().length).toBeGreaterThan(0);
  });

  it.each(steps)("of step $number exist beside it, as PNG files", async (step) => {
    for (const picture of await pictures(step)) {
      const bytes = await readFile(join(LAB, step.folder, picture));
      expect(bytes.subarray(1, 4).toString("latin1"), picture).toBe("PNG");
    }
  });
});
