// Every step of the guide at once (--all), as a student's CI grades it, in the real stack and the
// real browser: on the untouched starter a step whose lesson is the block passes and one that asks
// for a change fails; under the final reference solution every step passes. One --all run per
// policy (handed to the warm grader, its pages kept open across the steps), and every check below
// reads its reports: the three files, the CI workflow's summary step, and each pair's verdict
// against its step graded alone (issue #21).
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markdownText } from "../../services/grader/src/report/markdown.ts";
import type { Report } from "../../services/grader/src/report/report.ts";
import { readManifest } from "../../services/shared/src/lab-manifest.ts";
import { expectValidResult } from "../support/classroom50.ts";
import { type CommandResult, ROOT, run } from "../support/docker.ts";
import { grade, gradeWarm, readReport, startWarm, stopWarm, withEnv } from "../support/grading.ts";
import { servePolicyFrom, serveStarter } from "../support/policy.ts";
import { stack } from "../support/stack.ts";
import { workflowSteps } from "../support/workflow.ts";

const info = stack();
const steps = await readManifest(join(ROOT, "lab"));
/** The steps whose lesson is the block: those without a solution of their own. */
const LESSONS = steps.filter((step) => step.solution === undefined).length;
/** 9 steps of 16 pairs, step 10's 32 with its four attacker pages, step 11's 20 with the public page. */
const PAIRS = 9 * 16 + 32 + 20;

/** An --all run: what it said, and a copy of its reports, kept from the runs after it. */
interface AllRun {
  readonly graded: CommandResult;
  readonly reports: { readonly reportsDir: string };
}

const scratch = await mkdtemp(join(tmpdir(), "cors-lab-all-"));

async function gradeAll(project: typeof info, name: string): Promise<AllRun> {
  const graded = await grade(project, ["--all"]);
  const reportsDir = join(scratch, name);
  await cp(info.reportsDir, reportsDir, { recursive: true });
  return { graded, reports: { reportsDir } };
}

/**
 * Each pair's verdict in a report folder, and everything it rests on: what the browser did, why,
 * and what the page could read (the X-Request-Id's value itself differs from run to run).
 */
async function verdicts(reports: { readonly reportsDir: string }): Promise<string[]> {
  const report = JSON.parse(await readReport(reports));
  const checks: Report[] = report.steps ?? [report];
  return checks.flatMap((check) =>
    check.pairs.map(({ page, target, got, pass }) => {
      const { requestId, ...rest } = got as typeof got & { requestId?: string | null };
      const seen = { ...rest, ...(requestId === undefined ? {} : { requestIdRead: requestId !== null }) };
      return `${check.step} ${page} -> ${target}: ${JSON.stringify(seen)} ${pass}`;
    }),
  );
}

/** The pages kept open across an --all run change no verdict: each step, graded alone, agrees. */
async function expectSameAsEachStepAlone(all: AllRun): Promise<void> {
  const alone: string[] = [];
  for (const step of steps) {
    await gradeWarm(info, "warm-grader", ["--step", String(step.number)]);
    alone.push(...(await verdicts(info)));
  }
  const together = await verdicts(all.reports);
  expect(together.length).toBe(PAIRS);
  expect(together).toEqual(alone);
}

beforeAll(async () => {
  await startWarm(info, "warm-grader");
});

afterAll(async () => {
  await stopWarm(info, "warm-grader");
  await rm(scratch, { recursive: true, force: true });
});

describe("--all on the untouched starter", () => {
  let all: AllRun;
  beforeAll(async () => {
    all = await gradeAll(info, "starter");
  });

  it("passes the steps whose lesson is the block and fails the others, in every report", async () => {
    const { graded, reports } = all;
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    expect(graded.stdout).toContain(`Score: ${LESSONS} of ${steps.length} steps.`);
    // A failing step shows its table and hints; a passing one only its summary line.
    expect(graded.stdout.match(/What to look at:/g)).toHaveLength(steps.length - LESSONS);
    expect(graded.stdout).toContain("MISMATCH");
    const result = expectValidResult(JSON.parse(await readReport(reports, "result.json")));
    expect(result).toMatchObject({
      classroom: "local",
      assignment: "cors-lab",
      score: LESSONS,
      "max-score": steps.length,
    });
    expect(result.tests.map((test) => [test["test-name"], test.passed])).toEqual(
      steps.map((step) => [`Step ${step.number}: ${step.title}`, step.solution === undefined]),
    );
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      await readReport(reports, "origin-matrix.junit.xml"),
    );
    expect(junit.testsuites.testsuite).toHaveLength(steps.length);
    expect(junit.testsuites.tests).toBe(String(PAIRS));
    const report = JSON.parse(await readReport(reports));
    expect(report.score).toEqual({ passed: LESSONS, steps: steps.length });
    expect(report.steps).toHaveLength(steps.length);
  });

  it("puts its table on the CI job's summary page, a row per step as result.json has it", async () => {
    const step = (await workflowSteps()).find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"));
    const workspace = await mkdtemp(join(scratch, "workspace-"));
    await symlink(all.reports.reportsDir, join(workspace, "reports"));
    const summaryPage = join(workspace, "step-summary.md");
    await writeFile(summaryPage, "");
    // As the runner does: bash, in the checkout (here, a folder whose reports/ are the run's).
    const ran = await run("bash", ["-e", "-c", `cd "$WORKSPACE"\n${step?.run}`], {
      ...process.env,
      WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summaryPage,
    });
    expect(ran.code, ran.stderr).toBe(0);
    const shown = await readFile(summaryPage, "utf8");
    const result = JSON.parse(await readReport(all.reports, "result.json"));
    expect(shown.split("\n")[0]).toBe(`## cors-lab: ${result.score} of ${result["max-score"]} checks passed`);
    const lines = shown.split("\n");
    for (const test of result.tests as { "test-name": string; passed: boolean }[]) {
      const verdict = test.passed ? "✅ passed" : "❌ not yet";
      const row = `| ${markdownText(test["test-name"])} | ${verdict} | `;
      expect(
        lines.filter((line) => line.startsWith(row)),
        row,
      ).toHaveLength(1);
    }
    expect(shown).toContain("What to look at:");
  });

  it("gives every pair the verdict its step gives alone", async () => {
    await expectSameAsEachStepAlone(all);
  });
});

describe("--all under the final reference solution", () => {
  let all: AllRun;
  beforeAll(async () => {
    await servePolicyFrom(info, "./lab/10-misconfigurations/solution");
    // As Classroom 50's autograder runs it: the submission's identity in the environment.
    all = await gradeAll(
      withEnv(info, {
        CLASSROOM: "web-101",
        ASSIGNMENT: "cors-lab",
        OWNER: "ada",
        SUBMISSION_TAG: "submit/20261125T120000Z-abc1234",
        COMMIT_URL: "https://example.test/commit/abc1234",
        RELEASE_URL: "https://example.test/releases/submit",
      }),
      "solution",
    );
  });

  afterAll(async () => {
    await serveStarter(info);
  });

  it("passes every step, with the submission's identity from Classroom 50", async () => {
    const { graded, reports } = all;
    expect(graded.code, graded.stdout + graded.stderr).toBe(0);
    expect(graded.stdout).toContain(`Score: ${steps.length} of ${steps.length} steps.`);
    const result = expectValidResult(JSON.parse(await readReport(reports, "result.json")));
    expect(result).toMatchObject({
      classroom: "web-101",
      owner: "ada",
      submission: "submit/20261125T120000Z-abc1234",
      score: steps.length,
      "max-score": steps.length,
    });
  });

  it("gives every pair the verdict its step gives alone", async () => {
    await expectSameAsEachStepAlone(all);
  });
});
