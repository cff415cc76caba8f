// `npm run grade:class -- DIR`: every student's policy served in turn by one lab and graded with
// --all, then one gradebook (issue #11). A student's policy is untrusted code: one that does not
// load, or fails on every request, earns that student nothing, with the reason in the gradebook, and
// the next student is graded on a lab that is well again (restarted when it is not).
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { classroomResult, readSubmissionIdentity } from "../../grader/src/classroom-result.ts";
import type { Report } from "../../grader/src/report.ts";
import { renderNotGradedJUnit, writeClassroomResult, writeJUnit } from "../../grader/src/report.ts";
import { PROJECT_DIR } from "../../shared/src/command.ts";
import { type LabStep, readManifest } from "../../shared/src/lab-manifest.ts";
import { type ClassLab, lastLine } from "./class-lab.ts";
import { GRADEBOOK_FILE, type GradebookRow, renderGradebook } from "./gradebook.ts";
import type { Submission } from "./submissions.ts";

const stepName = (step: LabStep) => `Step ${step.number}: ${step.title}`;

/** What a run that graded the student found: each step's verdict, and the policy's first failure. */
async function readGrade(outDir: string, student: string): Promise<{ steps: boolean[]; note: string }> {
  const folder = join(outDir, student);
  const result = JSON.parse(await readFile(join(folder, "result.json"), "utf8")) as {
    tests: { passed: boolean }[];
  };
  const matrix = JSON.parse(await readFile(join(folder, "origin-matrix.json"), "utf8")) as {
    steps: Report[];
  };
  const pairs = matrix.steps.flatMap((step) => step.pairs);
  const failed = pairs.filter((pair) => pair.got.result === "blocked" && pair.got.cause === "policy");
  const first = failed[0]?.got;
  // The console's words for a failure start by saying it is the policy's, as the note does already.
  const note =
    first && "reason" in first
      ? `the policy failed in ${failed.length} of ${pairs.length} pairs: ${first.reason.replace(/^Your CORS policy \([^)]*\) failed on this request: /, "").replace(/([?!])\.$/, "$1")}`
      : "";
  return { steps: result.tests.map((test) => test.passed), note };
}

/** A student graded on nothing: every step failed with `reason`, in result.json and the JUnit file. */
async function notGraded(outDir: string, student: string, steps: readonly LabStep[], reason: string) {
  const folder = join(outDir, student);
  const identity = { ...readSubmissionIdentity({}), owner: student };
  const names = steps.map(stepName);
  const graded = names.map((name) => ({ name, passed: false, message: `Not graded: ${reason}` }));
  await writeClassroomResult(folder, classroomResult(identity, graded, new Date()));
  await writeJUnit(folder, renderNotGradedJUnit(names, reason));
  return { student, steps: names.map(() => false), note: `not graded: ${reason}` };
}

export interface ClassRun {
  readonly rows: readonly GradebookRow[];
  readonly gradebook: string;
}

export async function gradeClass(
  lab: ClassLab,
  submissions: readonly Submission[],
  outDir: string,
  say: (line: string) => void,
): Promise<ClassRun> {
  const steps = await readManifest(join(PROJECT_DIR, "lab"));
  const rows: GradebookRow[] = [];
  for (const [index, submission] of submissions.entries()) {
    const started = performance.now();
    const row = await gradeOne(lab, submission, outDir, steps);
    rows.push(row);
    const score = row.steps.filter(Boolean).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `[${index + 1}/${submissions.length}] ${row.student}: ${score} of ${steps.length} (${seconds} s)${row.note ? ` — ${row.note}` : ""}\n`,
    );
  }
  const gradebook = join(outDir, GRADEBOOK_FILE);
  await writeFile(gradebook, renderGradebook(steps.map(stepName), rows));
  return { rows, gradebook };
}

async function gradeOne(
  lab: ClassLab,
  { student, policy, problem }: Submission,
  outDir: string,
  steps: readonly LabStep[],
): Promise<GradebookRow> {
  // Nothing from an earlier run of the class stays beside this one's reports.
  await rm(join(outDir, student), { recursive: true, force: true });
  if (policy === undefined) return notGraded(outDir, student, steps, problem ?? "no policy");
  // A lab the last student left unwell is made well before this one is graded.
  if (!(await lab.healthy())) await lab.restart();
  let status = await lab.serve(student, policy);
  if (status === undefined) {
    await lab.restart();
    status = await lab.serve(student, policy);
  }
  if (status === undefined) return notGraded(outDir, student, steps, "the app did not pick up the policy");
  if (status.notLoaded) {
    const { problem: why, where } = status.notLoaded;
    return notGraded(outDir, student, steps, `the policy does not load: ${why}${where ? ` (${where})` : ""}`);
  }
  for (let attempt = 1; ; attempt += 1) {
    const graded = await lab.grade(student);
    // 0: every step passed; 1: some did not. Anything else is the lab or the grader, not the student.
    if (graded.code === 0 || graded.code === 1) return { student, ...(await readGrade(outDir, student)) };
    if (attempt === 2) {
      return notGraded(
        outDir,
        student,
        steps,
        `the grader could not run: ${lastLine(graded.stderr || graded.stdout)}`,
      );
    }
    await lab.restart();
    if ((await lab.serve(student, policy)) === undefined) {
      return notGraded(outDir, student, steps, "the app did not pick up the policy");
    }
  }
}
