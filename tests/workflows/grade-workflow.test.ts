// .github/workflows/grade.yml, checked by a validator of GitHub's workflow schema from the npm
// registry, and held to the lab's own commands (issue #11). tests/stack/check.test.ts runs its
// summary step against a real run's reports.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, run } from "../support/docker.ts";
import { WORKFLOW, workflowSteps } from "../support/workflow.ts";

const VALIDATOR = join(ROOT, "node_modules/.bin/action-validator");
const RUN_UNLESS_CANCELLED = "$" + "{{ !cancelled() }}";

describe("the grading workflow", () => {
  it("is a valid GitHub Actions workflow", async () => {
    const result = await run(VALIDATOR, [WORKFLOW]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it("would be refused by the validator if it were broken (the check can fail)", async () => {
    const broken = (await readFile(WORKFLOW, "utf8")).replace(
      "runs-on: ubuntu-24.04",
      "runs_on: ubuntu-24.04",
    );
    const file = join(await mkdtemp(join(tmpdir(), "cors-lab-workflow-")), "grade.yml");
    await writeFile(file, broken);
    const result = await run(VALIDATOR, [file]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("runs-on");
  });

  it("runs on a push, builds, starts the lab, grades every step, then keeps the reports whatever happened", async () => {
    const workflow = parse(await readFile(WORKFLOW, "utf8"));
    expect(Object.keys(workflow.on)).toContain("push");
    const steps = await workflowSteps();
    const at = (command: string) => steps.findIndex((step) => step.run?.includes(command));
    const order = [
      "docker compose --profile grade build",
      "docker compose up -d --wait",
      "docker compose --profile grade run --rm grader --all",
      '>> "$GITHUB_STEP_SUMMARY"',
    ].map(at);
    expect(
      order.every((index) => index >= 0),
      JSON.stringify(order),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.path).toBe("reports/");
    expect(upload?.if).toBe(RUN_UNLESS_CANCELLED);
    expect(steps.find((step) => step.run?.includes("GITHUB_STEP_SUMMARY"))?.if).toBe(RUN_UNLESS_CANCELLED);
  });

  it("uses the commands the README gives", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("docker compose --profile grade run --rm grader --all");
    expect(readme).toContain(".github/workflows/grade.yml");
  });
});
