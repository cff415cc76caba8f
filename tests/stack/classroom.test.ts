// A class in one run (issue #11): `npm run grade:class` on a class with every kind of submission, a
// correct one after each broken one so that anything left over from the last student would show.
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../services/shared/src/lab-manifest.ts";
import { type Kind, writeClass } from "../support/class-fixture.ts";
import { expectValidResult } from "../support/classroom50.ts";
import { type CommandResult, ROOT, run } from "../support/docker.ts";

/**
 * The class, graded in this order (by name): a correct submission after each broken one, one that
 * means harm (issue #19), one that tries to leave something behind and one that looks for it.
 */
const CLASS: Record<string, Kind> = {
  "01-ada": "checkout",
  "02-syntax": "syntax",
  "03-bea": "correct",
  "04-throws": "throws",
  "05-kills": "kills",
  "06-cal": "correct",
  "07-loops": "loops",
  "08-stashes": "stashes",
  "09-finds-stash": "finds-stash",
  "10-starter": "starter",
  "11-step-six": "step-six",
  "12-nothing": "nothing",
  "13-exits-loading": "exits-loading",
  // A folder named like the tool's own gradebook: refused by name, nothing of the tool's replaced.
  "GRADEBOOK.csv": "correct",
};

const ALL = "1,1,1,1,1,1,1,1,1,1,1";
const BLOCK_LESSONS = "1,1,1,1,1,0,0,0,0,0,1";
const NONE = "0,0,0,0,0,0,0,0,0,0,0";
/**
 * Every pair of the eleven steps fails in the policy, the sandboxed page's four included: that page
 * cannot read the failure's answer, but the grader reads the app's record of it (issue #22). All but
 * the public page's four of step 11, which Local Network Access stops before the policy (issue #23).
 */
const failedIn = (why: string) => `the policy failed in 192 of 196 pairs: ${why}`;
const EXITS = "a policy only decides on headers, it cannot stop the app";

/** The gradebook, row for row: student, score, steps 1 to 11, note (CSV-quoted where it must be). */
const EXPECTED: string[] = [
  `01-ada,11,${ALL},`,
  // TypeScript's own words follow, whichever Node strips the types.
  `02-syntax,0,${NONE},not graded: the policy does not load: it is not valid TypeScript: `,
  `03-bea,11,${ALL},`,
  `04-throws,0,${NONE},${failedIn("it threw Error: not today (cors-policy.ts line 3).")}`,
  `05-kills,0,${NONE},"${failedIn("it uses process.kill(), which a policy may not: a policy only decides on headers, in a sandbox of its own (cors-policy.ts line 3).")}"`,
  `06-cal,11,${ALL},`,
  `07-loops,0,${NONE},${failedIn("it was still running after 500 ms: an endless loop?")}`,
  `08-stashes,11,${ALL},`,
  `09-finds-stash,11,${ALL},`,
  `10-starter,6,${BLOCK_LESSONS},`,
  // Step 6's policy is the cors package with its defaults, which answer step 7's preflight too.
  "11-step-six,8,1,1,1,1,1,1,1,0,0,0,1,",
  `12-nothing,0,${NONE},not graded: no cors-policy.ts or services/app/policy/cors-policy.ts in the folder`,
  `13-exits-loading,0,${NONE},"not graded: the policy does not load: it called process.exit(0): ${EXITS} (cors-policy.ts line 1)"`,
  `GRADEBOOK.csv,0,${NONE},"not graded: the folder's name is one of the tool's own files (gradebook.csv, gradebook.csv.partial): rename it"`,
];

let classDir: string;
let outDir: string;
let graded: CommandResult;
let gradebook: string[];
let scratch: string | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "cors-lab-class-"));
  classDir = join(scratch, "class");
  outDir = join(scratch, "out");
  await writeClass(classDir, CLASS);
  await mkdir(outDir);
  await chmod(outDir, 0o755);
  graded = await run(
    "node",
    [
      "services/classroom/src/main.ts",
      classDir,
      "--out",
      outDir,
      "--project",
      `cors-lab-class-test-${process.pid}`,
    ],
    process.env,
    600_000,
  );
  gradebook = (await readFile(join(outDir, "gradebook.csv"), "utf8").catch(() => "")).split("\r\n");
}, 660_000);

afterAll(async () => {
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

describe("npm run grade:class", () => {
  it("grades every student and says so, a line each", () => {
    expect(graded.code, graded.stderr + graded.stdout).toBe(0);
    for (const student of Object.keys(CLASS)) expect(graded.stdout).toContain(`] ${student}: `);
    expect(graded.stdout).toContain("(14 students, 5 with every step)");
  });

  it("writes the expected gradebook: a header, then each student's score, steps and note", async () => {
    const steps = await readManifest(join(ROOT, "lab"));
    const names = steps.map((step) => `Step ${step.number}: ${step.title}`);
    expect(gradebook[0]).toBe(
      `student,score,${names.map((name) => (name.includes(",") ? `"${name}"` : name)).join(",")},note`,
    );
    const rows = gradebook.slice(1, -1);
    expect(rows.length).toBe(EXPECTED.length);
    rows.forEach((row, index) => {
      const expected = EXPECTED[index] as string;
      if (expected.endsWith("TypeScript: ")) expect(row.startsWith(expected), row).toBe(true);
      else expect(row).toBe(expected);
    });
  });

  it("writes each student's result.json and JUnit file, graded or not, and no folder for a refused name", async () => {
    await expect(stat(join(outDir, "GRADEBOOK.csv"))).rejects.toThrow(/ENOENT/);
    for (const student of Object.keys(CLASS).filter((name) => name !== "GRADEBOOK.csv")) {
      const result = expectValidResult(
        JSON.parse(await readFile(join(outDir, student, "result.json"), "utf8")),
      );
      expect(result.tests.length).toBe(11);
      const row = gradebook.find((line) => line.startsWith(`${student},`)) as string;
      expect(result.score, student).toBe(Number(row.split(",")[1]));
      const junit = await readFile(join(outDir, student, "origin-matrix.junit.xml"), "utf8");
      expect(XMLValidator.validate(junit), student).toBe(true);
    }
  });

  it("leaves nothing running, and no volume behind", async () => {
    const left = await run("docker", [
      "ps",
      "-q",
      "--filter",
      `label=com.docker.compose.project=cors-lab-class-test-${process.pid}`,
    ]);
    expect(left.stdout.trim()).toBe("");
    const volumes = await run("docker", [
      "volume",
      "ls",
      "-q",
      "--filter",
      `label=com.docker.compose.project=cors-lab-class-test-${process.pid}`,
    ]);
    expect(volumes.stdout.trim()).toBe("");
    await expect(stat(join(outDir, "gradebook.csv"))).resolves.toBeDefined();
  });
});
