// Every step of the guide, graded in the real stack and the real browser: a step whose lesson is the
// block passes on the untouched starter; a step that asks for a change fails on the starter and
// passes once its reference solution is the app's policy file.
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { loadExpectations } from "../../services/shared/src/expectations.ts";
import { type LabStep, readManifest } from "../../services/shared/src/lab-manifest.ts";
import { expectValidResult } from "../support/classroom50.ts";
import { ROOT } from "../support/docker.ts";
import { crossFrom, grade, mismatches, readReport, withPolicyServed } from "../support/grading.ts";
import { labOrigins, stack } from "../support/stack.ts";

const info = stack();
const steps = await readManifest(join(ROOT, "lab"));

const gradeStep = (step: number, project = info) => grade(project, ["--step", String(step)]);
const gradeAll = (project = info) => grade(project, ["--all"]);

// On the untouched starter every step is graded by the --all test below: the steps whose lesson is
// the block pass, the steps that ask for a change fail.
describe.each(steps.filter((step) => step.solution !== undefined))("step $number, $title", (step) => {
  it("passes with its reference solution as the policy file", async () => {
    await withPolicyServed(info, `./lab/${step.folder}/${step.solution}`, async (solved) => {
      const graded = await gradeStep(step.number, solved);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain("every pair as expected");
    });
  });
});

// Step 10's lesson, each mistake caught by exactly the attacker pages it lets in.
const TARGETS = labOrigins(info);
const [LOCALHOST, LOOPBACK, , API] = TARGETS as [string, string, string, string];
const step10 = steps[9] as LabStep;
const ATTACKERS = (await loadExpectations(join(ROOT, "lab", step10.folder, step10.expectations as string)))
  .pages;
const [ATTACKER, LOOKALIKE, SIBLING, SANDBOXED] = ATTACKERS as [string, string, string, string];
const APP = TARGETS[2] as string;

// The victim's secrets are read only where the browser sends the victim's cookie (issue #20).
// app.local's SameSite=Lax session goes with requests from its own site alone (evil.app.local, a
// sibling of app.local); localhost's SameSite=None; Secure one with requests from any site, since
// the grader's Chromium allows third-party cookies as Chrome ships. So a page the policy lets in
// reads localhost's secret from wherever it is, and app.local's only from the same site.
const readsLocalhost = (pages: readonly string[]) => pages.map((page) => `${page} -> ${LOCALHOST}`);
describe.each([
  // Reflecting every origin lets in every page: the attacker's, and the lab's own untrusted ones.
  [
    "reflect-any-origin",
    crossFrom([LOCALHOST, LOOPBACK, API, ATTACKER, LOOKALIKE, SIBLING, SANDBOXED], TARGETS),
    [
      ...readsLocalhost([LOOPBACK, APP, API, ATTACKER, LOOKALIKE, SIBLING, SANDBOXED]),
      `${SIBLING} -> ${APP}`,
    ],
  ],
  ["trust-null", crossFrom([SANDBOXED], TARGETS), readsLocalhost([APP, SANDBOXED])],
  // "evil.app.local" contains "app.local" as much as the look-alike does.
  [
    "sloppy-pattern",
    crossFrom([LOOKALIKE, SIBLING], TARGETS),
    [...readsLocalhost([APP, LOOKALIKE, SIBLING]), `${SIBLING} -> ${APP}`],
  ],
])("step 10 with the mistaken policy %s", (mistake, expected, stolen) => {
  it("fails, naming as not blocked exactly the pages that policy lets in, and who read the victim's secret", async () => {
    await withPolicyServed(info, `./lab/10-misconfigurations/mistakes/${mistake}`, async (project) => {
      const graded = await gradeStep(10, project);
      expect(graded.code, graded.stdout + graded.stderr).toBe(1);
      expect((await mismatches(info)).sort()).toEqual([...expected].sort());
      expect(
        (await secretReaders()).sort(),
        "pages that read the victim's secret, besides the victim's own",
      ).toEqual([...stolen].sort());
    });
  });
});

/** The pairs of the last grader run whose page read the victim's secret, the victim's own page aside. */
async function secretReaders(): Promise<string[]> {
  const report = JSON.parse(await readReport(info, "origin-matrix.json")) as Report;
  return report.pairs
    .filter((pair) => pair.got.result === "allowed" && pair.got.secretRead && pair.page !== pair.target)
    .map((pair) => `${pair.page} -> ${pair.target}`);
}

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
