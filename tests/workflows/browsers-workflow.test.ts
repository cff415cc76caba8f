// .github/workflows/browsers.yml, the browser-drift canary (issue #24): a valid workflow, weekly and
// on demand, that checks every step through its page's own button in the runners' Chrome, Edge and
// Firefox with the grader's own command, and fails on a verdict that differs.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, run } from "../support/docker.ts";

const VALIDATOR = join(ROOT, "node_modules/.bin/action-validator");
const CANARY = join(ROOT, ".github/workflows/browsers.yml");

describe("the browser-drift canary", () => {
  it("is a valid GitHub Actions workflow", async () => {
    const result = await run(VALIDATOR, [CANARY]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it("runs weekly and on demand, in Chrome, Edge and Firefox, each step through its page's button", async () => {
    const workflow = parse(await readFile(CANARY, "utf8"));
    expect(workflow.on.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \d$/);
    expect(Object.keys(workflow.on)).toContain("workflow_dispatch");
    const job = workflow.jobs["own-browser"];
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job.strategy.matrix.include.map((each: { name: string }) => each.name)).toEqual([
      "Chrome",
      "Edge",
      "Firefox",
    ]);
    const steps = job.steps as { run?: string; env?: Record<string, string> }[];
    const check = steps.find((step) => step.run?.includes("services/grader/src/main.ts"));
    expect(check?.run).toContain("node services/grader/src/main.ts --all --in-browser");
    expect(check?.env?.GRADER_HOST_RESOLVER_RULES).toBe("");
    expect(
      steps.some((step) =>
        step.run?.includes("CORS_POLICY_DIR=./lab/10-misconfigurations/solution docker compose up -d --wait"),
      ),
    ).toBe(true);
    expect(steps.some((step) => step.run?.includes("127.0.0.1 app.local api.local evil.app.local"))).toBe(
      true,
    );
  });

  it("is in the README and the instructors' notes", async () => {
    for (const file of ["README.md", "lab/INSTRUCTOR.md"])
      expect(await readFile(join(ROOT, file), "utf8"), file).toContain(".github/workflows/browsers.yml");
  });
});
