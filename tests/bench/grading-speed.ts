// The three speed figures of issue #11: a check from the step's page with the warm grader, --all with
// the warm grader, and a generated class of thirty graded in one run, its gradebook compared with
// grading each kind of submission alone.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kind, writeClass } from "../support/class-fixture.ts";
import { type ComposeProject, compose, run } from "../support/docker.ts";
import { http } from "../support/http.ts";
import { median, timedCompose } from "./measure.ts";

export interface GradingSpeed {
  /** POST /lab/3/check (16 pairs) as the button sends it, answered with the page: seconds each. */
  readonly checks: readonly number[];
  readonly checkP50: number;
  readonly checkP95: number;
  /** `grader --all` handed to the warm grader (docker compose exec), seconds, median of runs. */
  readonly allSeconds: number;
  /**
   * "Check in this browser" (issue #24), pressed in Chromium as a student would, click to table:
   * a step of 16 pairs (median of runs), and every step in turn (the steps' times added up).
   */
  readonly inBrowser: { readonly stepSeconds: number; readonly allSeconds: number };
  readonly classOf30: {
    readonly seconds: number;
    readonly students: number;
    /** Rows that differ from the row of their kind graded alone; 0 is what it must be. */
    readonly differing: readonly string[];
    readonly aloneSeconds: number;
  };
}

/** The nearest-rank percentile. */
const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] as number;

/** Thirty students: mostly correct or partly correct, some broken, some hostile. */
const CLASS_MIX: readonly [Kind, number][] = [
  ["correct", 10],
  ["checkout", 2],
  ["step-six", 6],
  ["starter", 4],
  ["syntax", 2],
  ["throws", 1],
  ["exits", 1],
  ["loops", 1],
  ["never-next", 1],
  ["hogs-memory", 1],
  ["exits-loading", 1],
];

/** Seconds `node services/classroom/src/main.ts DIR`, and its gradebook's rows by student. */
async function gradeClassTimed(classDir: string, outDir: string, projectName: string) {
  const started = performance.now();
  const graded = await run(
    "node",
    ["services/classroom/src/main.ts", classDir, "--out", outDir, "--project", projectName],
    process.env,
    1_800_000,
  );
  const seconds = (performance.now() - started) / 1000;
  if (graded.code !== 0) throw new Error(`grade:class failed (exit ${graded.code}): ${graded.stderr.trim()}`);
  const rows = (await readFile(join(outDir, "gradebook.csv"), "utf8")).trim().split("\r\n").slice(1);
  return { seconds, rows: new Map(rows.map((row) => [row.slice(0, row.indexOf(",")), row] as const)) };
}

export async function gradingSpeed(
  project: ComposeProject,
  appPort: number,
  runs: number,
  say: (line: string) => void,
): Promise<GradingSpeed> {
  say("the warm grader: 10 checks from a step's page, and --all");
  await timedCompose(project, ["--profile", "check", "up", "-d", "--wait", "app", "proxy", "warm-grader"]);
  const check = async () => {
    const started = performance.now();
    const answer = await http(appPort, "/lab/3/check", {
      method: "POST",
      headers: { "sec-fetch-site": "same-origin" },
    });
    if (!answer.body.includes('data-state="passed"'))
      throw new Error(`the check did not pass: ${answer.status}`);
    return (performance.now() - started) / 1000;
  };
  await check(); // Chromium starts with the first check: the figure is the warm one
  const checks: number[] = [];
  for (let i = 0; i < 10; i++) checks.push(await check());
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(
      await timedCompose(
        project,
        ["--profile", "check", "exec", "-T", "warm-grader", "node", "services/grader/src/main.ts", "--all"],
        [0, 1],
      ),
    );
  }
  say("Check in this browser: step 4 (16 pairs), and every step, in Chromium");
  const pressed = async (args: readonly string[]) => {
    const asked = await compose(project, [
      "--profile",
      "check",
      "exec",
      "-T",
      "warm-grader",
      "node",
      "services/grader/src/main.ts",
      ...args,
      "--in-browser",
      "--json",
    ]);
    const answer = JSON.parse(asked.stdout) as { code: number; files: Record<string, string> };
    // On the starter the steps whose lesson is the block pass, the others not: the time is the figure.
    if (answer.code !== 0 && answer.code !== 1)
      throw new Error(`the in-browser check did not run: ${asked.stdout.slice(0, 400)}`);
    const report = JSON.parse(answer.files["origin-matrix.json"] ?? "{}") as {
      steps?: { timings: { matrixMs: number } }[];
      timings?: { matrixMs: number };
    };
    return (report.steps ?? [report]).map((each) => (each.timings?.matrixMs ?? 0) / 1000);
  };
  await pressed(["--step", "4"]); // the first run starts the browser
  const steps: number[] = [];
  for (let i = 0; i < runs; i++) steps.push(...(await pressed(["--step", "4"])));
  const everyStep = (await pressed(["--all"])).reduce((sum, seconds) => sum + seconds, 0);
  await compose(project, ["--profile", "check", "rm", "-s", "-f", "warm-grader"]);

  say("a class of 30 generated submissions, then each kind of submission alone");
  const scratch = await mkdtemp(join(tmpdir(), "cors-lab-bench-class-"));
  const students: Record<string, Kind> = {};
  let n = 0;
  for (const [kind, count] of CLASS_MIX) {
    for (let i = 0; i < count; i++) students[`s${String(++n).padStart(2, "0")}-${kind}`] = kind;
  }
  await writeClass(join(scratch, "class"), students);
  const whole = await gradeClassTimed(join(scratch, "class"), join(scratch, "out"), "cors-lab-bench-class");
  let aloneSeconds = 0;
  const differing: string[] = [];
  for (const [kind] of CLASS_MIX) {
    await writeClass(join(scratch, `alone-${kind}`), { alone: kind });
    const alone = await gradeClassTimed(
      join(scratch, `alone-${kind}`),
      join(scratch, `alone-out-${kind}`),
      "cors-lab-bench-class",
    );
    aloneSeconds += alone.seconds;
    const expected = alone.rows.get("alone")?.slice("alone".length);
    for (const [student, row] of whole.rows) {
      if (students[student] === kind && row.slice(student.length) !== expected)
        differing.push(`${student}: ${row}`);
    }
  }
  return {
    checks,
    checkP50: median(checks),
    checkP95: percentile(checks, 95),
    allSeconds: median(all),
    inBrowser: { stepSeconds: median(steps), allSeconds: everyStep },
    classOf30: { seconds: whole.seconds, students: whole.rows.size, differing, aloneSeconds },
  };
}

export function renderGradingSpeed(g: GradingSpeed): string[] {
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const row = (what: string, figure: string, target: string, ok: boolean) =>
    `${what.padEnd(38)}${figure.padEnd(12)}${target.padEnd(12)}${verdict(ok)}`;
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const same = g.classOf30.differing.length === 0;
  return [
    "grading at the speed of a click       figure      target",
    row("Check button, 16 pairs, warm: p50", s(g.checkP50), "<= 1.0 s", g.checkP50 <= 1),
    row("                              p95", s(g.checkP95), "<= 1.5 s", g.checkP95 <= 1.5),
    row("--all, 11 steps, warm grader", s(g.allSeconds), "<= 6 s", g.allSeconds <= 6),
    row(
      "Check in this browser, 16 pairs",
      s(g.inBrowser.stepSeconds),
      "<= 2 s",
      g.inBrowser.stepSeconds <= 2,
    ),
    row(
      "Check in this browser, every step",
      s(g.inBrowser.allSeconds),
      "<= 15 s",
      g.inBrowser.allSeconds <= 15,
    ),
    row(
      `class of ${g.classOf30.students} (grade:class, all of it)`,
      `${g.classOf30.seconds.toFixed(0)} s`,
      "<= 240 s",
      g.classOf30.seconds <= 240,
    ),
    `  its gradebook, against each kind of submission graded alone: ${same ? "identical" : `${g.classOf30.differing.length} rows DIFFER: ${g.classOf30.differing.join("; ")}`}`,
  ];
}
