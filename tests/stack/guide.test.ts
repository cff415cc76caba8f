// Every step of the guide, graded in the real stack and the real browser: a step whose lesson is the
// block passes on the untouched starter; a step that asks for a change fails on the starter and
// passes under the final reference solution.
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { readManifest } from "../../services/shared/src/lab-manifest.ts";
import { expectValidResult } from "../support/classroom50.ts";
import { ROOT } from "../support/docker.ts";
import { grade, readReport, withPolicyServed } from "../support/grading.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const steps = await readManifest(join(ROOT, "lab"));

const gradeAll = (project = info) => grade(project, ["--all"]);

// Each step's reference solution, and step 10's mistaken policies, are graded in all three engines
// (the engines test, Chromium among them); here every step at once, as a student's CI grades it.
describe("grading every step at once (--all)", () => {
  it("on the starter, passes the steps whose lesson is the block and fails the others, in every report", async () => {
    const graded = await gradeAll();
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    // The steps without a solution of their own are those whose lesson is the block.
    const lessons = steps.filter((step) => step.solution === undefined).length;
    const failing = steps.length - lessons;
    expect(graded.stdout).toContain(`Score: ${lessons} of ${steps.length} steps.`);
    // A failing step shows its table and hints; a passing one only its summary line.
    expect(graded.stdout.match(/What to look at:/g)).toHaveLength(failing);
    expect(graded.stdout).toContain("MISMATCH");
    const result = expectValidResult(JSON.parse(await readReport(info, "result.json")));
    expect(result).toMatchObject({
      classroom: "local",
      assignment: "cors-lab",
      score: lessons,
      "max-score": steps.length,
    });
    expect(result.tests.map((test) => [test["test-name"], test.passed])).toEqual(
      steps.map((step) => [`Step ${step.number}: ${step.title}`, step.solution === undefined]),
    );
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      await readReport(info, "origin-matrix.junit.xml"),
    );
    expect(junit.testsuites.testsuite).toHaveLength(steps.length);
    // 9 steps of 16 pairs, step 10's 32 with its four attacker pages, step 11's 20 with the public page.
    expect(junit.testsuites.tests).toBe(String(9 * 16 + 32 + 20));
    const report = JSON.parse(await readReport(info, "origin-matrix.json"));
    expect(report.score).toEqual({ passed: lessons, steps: steps.length });
    expect(report.steps).toHaveLength(steps.length);
  });

  it("with the final reference solution, passes every step, with the submission's identity from Classroom 50", async () => {
    await withPolicyServed(info, "./lab/10-misconfigurations/solution", async (solved) => {
      const classroom = {
        ...solved,
        env: {
          ...solved.env,
          CLASSROOM: "web-101",
          ASSIGNMENT: "cors-lab",
          OWNER: "ada",
          SUBMISSION_TAG: "submit/20261125T120000Z-abc1234",
          COMMIT_URL: "https://example.test/commit/abc1234",
          RELEASE_URL: "https://example.test/releases/submit",
        },
      };
      const graded = await gradeAll(classroom);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain(`Score: ${steps.length} of ${steps.length} steps.`);
      const result = expectValidResult(JSON.parse(await readReport(info, "result.json")));
      expect(result).toMatchObject({
        classroom: "web-101",
        owner: "ada",
        submission: "submit/20261125T120000Z-abc1234",
        score: steps.length,
        "max-score": steps.length,
      });
    });
  });
});
