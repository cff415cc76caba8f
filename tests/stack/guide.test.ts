// Every step of the guide, graded in the real stack and the real browser: a step whose lesson is the
// block passes on the untouched starter; a step that asks for a change fails on the starter and
// passes once its reference solution is the app's policy file.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest } from "../../services/shared/src/lab-manifest.ts";
import { type CommandResult, compose, ROOT } from "../support/docker.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const steps = await readManifest(join(ROOT, "lab"));

/** The stack with the app's policy folder swapped, for both the app and the grader's run. */
function withPolicy(policyDir: string) {
  return { ...info, env: { ...info.env, CORS_POLICY_DIR: policyDir } };
}

async function useStarterPolicy(): Promise<void> {
  const up = await compose(info, ["up", "-d", "--wait", "app"]);
  expect(up.code, up.stderr).toBe(0);
}

function grade(step: number, project = info): Promise<CommandResult> {
  return compose(project, ["--profile", "grade", "run", "--rm", "grader", "--step", String(step)]);
}

describe.each(steps.filter((step) => step.solution === undefined))("step $number, $title", (step) => {
  it("passes on the untouched starter", async () => {
    const graded = await grade(step.number);
    expect(graded.code, graded.stdout + graded.stderr).toBe(0);
  });
});

describe.each(steps.filter((step) => step.solution !== undefined))("step $number, $title", (step) => {
  it("fails on the untouched starter, naming the pairs that are not as expected", async () => {
    const graded = await grade(step.number);
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    expect(graded.stdout).toContain("MISMATCH");
    expect(graded.stdout).toContain("What to look at:");
  });

  it("passes with its reference solution as the policy file", async () => {
    const solved = withPolicy(`./lab/${step.folder}/${step.solution}`);
    try {
      const up = await compose(solved, ["up", "-d", "--wait", "app"]);
      expect(up.code, up.stderr).toBe(0);
      const graded = await grade(step.number, solved);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain("every pair as expected");
    } finally {
      await useStarterPolicy();
    }
  });
});
