// `npm run grade:class -- DIR`: every student's policy served in turn by one lab, each in a policy
// sandbox of its own, and graded with --all, then one gradebook (issue #11). A student's policy is
// untrusted code (issue #19): one that does not load, or fails on every request, earns that student
// nothing, with the reason in the gradebook; the lab going down while a policy ran is said in the
// student's note; the next student is graded on a lab that is well again. The reports are written
// here, by this tool, and the gradebook after every student, so a class stopped half-way keeps every
// grade given so far.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { classroomResult, RESULT_FILE, readSubmissionIdentity } from "../../grader/src/classroom-result.ts";
import { EXIT } from "../../grader/src/exit-codes.ts";
import {
  REPORT_FILE,
  type ReportFiles,
  resultJson,
  writeReportFiles,
} from "../../grader/src/report/files.ts";
import { JUNIT_FILE, renderNotGradedJUnit } from "../../grader/src/report/junit.ts";
import type { Report } from "../../grader/src/report/report.ts";
import { PROJECT_DIR } from "../../shared/src/command.ts";
import { type LabStep, readManifest } from "../../shared/src/lab-manifest.ts";
import { CLASS_SERVICES, type ClassLab, type ClassService, type GradeRun } from "./class-lab.ts";
import { type GradebookRow, writeGradebook } from "./gradebook.ts";
import type { Submission } from "./submissions.ts";

const stepName = (step: LabStep) => `Step ${step.number}: ${step.title}`;

/** What a run that graded the student found: each step's verdict, and the policy's first failure. */
function readGrade(files: ReportFiles): { steps: boolean[]; note: string } {
  const result = JSON.parse(files[RESULT_FILE] ?? "{}") as { tests?: { passed: boolean }[] };
  const matrix = JSON.parse(files[REPORT_FILE] ?? "{}") as { steps?: Report[] };
  const pairs = (matrix.steps ?? []).flatMap((step) => step.pairs);
  const failed = pairs.filter((pair) => pair.got.result === "blocked" && pair.got.cause === "policy");
  const first = failed[0]?.got;
  // The console's words for a failure start by saying it is the policy's, as the note does already.
  const note =
    first && "reason" in first
      ? `the policy failed in ${failed.length} of ${pairs.length} pairs: ${first.reason.replace(/^Your CORS policy \([^)]*\) failed on this request: /, "").replace(/([?!])\.$/, "$1")}`
      : "";
  return { steps: (result.tests ?? []).map((test) => test.passed), note };
}

/** A student graded on nothing: every step failed with `reason`, in result.json and the JUnit file. */
async function notGraded(outDir: string, student: string, steps: readonly LabStep[], reason: string) {
  const identity = { ...readSubmissionIdentity({}), owner: student };
  const names = steps.map(stepName);
  const graded = names.map((name) => ({ name, passed: false, message: `Not graded: ${reason}` }));
  await writeReportFiles(join(outDir, student), {
    [RESULT_FILE]: resultJson(classroomResult(identity, graded, new Date())),
    [JUNIT_FILE]: renderNotGradedJUnit(names, reason),
  });
  return { student, steps: names.map(() => false), note: `not graded: ${reason}` };
}

/** In plain words, which of the lab's containers Docker restarted while a student's policy was graded. */
export function downWhileGraded(
  before: Readonly<Record<ClassService, number>>,
  after: Readonly<Record<ClassService, number>>,
): string {
  const restarted = CLASS_SERVICES.filter((service) => after[service] > before[service]);
  if (restarted.length === 0) return "";
  const lab = restarted.filter((service) => service !== "policy");
  const parts = [
    ...(lab.length > 0
      ? [`the lab went down while this policy was graded (Docker restarted ${lab.join(", ")})`]
      : []),
    ...(restarted.includes("policy")
      ? [
          "the policy's sandbox was stopped by the system and restarted while it was graded (it used more memory than a sandbox may, most likely)",
        ]
      : []),
  ];
  return parts.join("; ");
}

/** Why a run gave no grade, by its exit code, in the note's words. */
function noGradeReason(graded: GradeRun): string {
  if (graded.code === EXIT.unreachable)
    return `the lab stopped answering while this policy was graded: ${graded.message}`;
  if (graded.code === EXIT.crashed)
    return `the grader itself failed (not this student's doing): ${graded.message}`;
  return `the grader could not run: ${graded.message}`;
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
  const names = steps.map(stepName);
  const rows: GradebookRow[] = [];
  await mkdir(outDir, { recursive: true });
  let gradebook = await writeGradebook(outDir, names, rows);
  for (const [index, submission] of submissions.entries()) {
    const started = performance.now();
    const row = await gradeOne(lab, submission, outDir, steps);
    rows.push(row);
    gradebook = await writeGradebook(outDir, names, rows);
    const score = row.steps.filter(Boolean).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `[${index + 1}/${submissions.length}] ${row.student}: ${score} of ${steps.length} (${seconds} s)${row.note ? ` — ${row.note}` : ""}\n`,
    );
  }
  return { rows, gradebook };
}

async function gradeOne(
  lab: ClassLab,
  { student, policy, problem, refused }: Submission,
  outDir: string,
  steps: readonly LabStep[],
): Promise<GradebookRow> {
  // A folder whose name was refused names no folder of reports: nothing is deleted or written for it.
  if (refused) return { student, steps: steps.map(() => false), note: `not graded: ${problem}` };
  // Nothing from an earlier run of the class stays beside this one's reports.
  await rm(join(outDir, student), { recursive: true, force: true });
  if (policy === undefined) return notGraded(outDir, student, steps, problem ?? "no policy");
  // A lab the last student left unwell is made well before this one is graded.
  if (!(await lab.healthy())) await lab.restart();
  let status = await lab.serve(policy);
  if (status === undefined) {
    await lab.restart();
    status = await lab.serve(policy);
  }
  if (status === undefined) return notGraded(outDir, student, steps, "the lab did not pick up the policy");
  if (status.notLoaded) {
    const { problem: why, where } = status.notLoaded;
    return notGraded(outDir, student, steps, `the policy does not load: ${why}${where ? ` (${where})` : ""}`);
  }
  for (let attempt = 1; ; attempt += 1) {
    const before = await lab.restarts();
    const graded = await lab.grade(student);
    const down = downWhileGraded(before, await lab.restarts());
    // 0: every step passed; 1: some did not. Anything else is the lab or the grader, not a grade.
    if (graded.code === EXIT.pass || graded.code === EXIT.mismatch) {
      await writeReportFiles(join(outDir, student), graded.files);
      const grade = readGrade(graded.files);
      return { student, steps: grade.steps, note: [down, grade.note].filter(Boolean).join("; ") };
    }
    if (attempt === 2) {
      return notGraded(outDir, student, steps, [down, noGradeReason(graded)].filter(Boolean).join("; "));
    }
    await lab.restart();
    if ((await lab.serve(policy)) === undefined) {
      return notGraded(outDir, student, steps, "the lab did not pick up the policy");
    }
  }
}
