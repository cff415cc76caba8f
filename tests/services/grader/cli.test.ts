// The grader's command line, run as a real process: the paths that end before a browser is needed.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectValidResult } from "../../support/classroom50.ts";
import { run } from "../../support/docker.ts";
import { freePort } from "../../support/http.ts";

const GRADER = "services/grader/src/main.ts";

describe("the grader's command line", () => {
  it("prints its usage for --help", async () => {
    const result = await run(process.execPath, [GRADER, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Usage: grader [--step N | --all [--step N] | --expect FILE] [--report-dir DIR]",
    );
  });

  it("rejects an unknown option with exit code 2 and the usage", async () => {
    const result = await run(process.execPath, [GRADER, "--stpe", "3"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--stpe'");
    expect(result.stderr).toContain("Usage: grader");
  });

  it("names a bad variable with exit code 2", async () => {
    const result = await run(process.execPath, [GRADER], { ...process.env, LAB_ORIGINS: "localhost:3000" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'grader: LAB_ORIGINS="localhost:3000" is not valid: expected an origin such as http://app.local:8080 (scheme, host, port; no path)\n',
    );
  });

  it.each([
    [["--step", "42"], "grader: --step: there is no step 42; the guide has steps 1 to 10\n"],
    [["--all", "--step", "11"], "grader: --step: there is no step 11; the guide has steps 1 to 10\n"],
    [
      ["--all", "--expect", "x.json"],
      "grader: --all checks the guide's steps, --expect a file of your own: give one of them",
    ],
    [
      ["--step", "3"],
      'grader: ASSIGNMENT_TYPE="team" is not valid: expected "individual" or "group"',
      { ASSIGNMENT_TYPE: "team" },
    ],
    [["--step", "three"], 'grader: --step takes a step number such as 3, not "three"'],
    [
      ["--step", "3", "--expect", "x.json"],
      "grader: --step and --expect both say what to expect: give one of them",
    ],
  ])("refuses %j with exit code 2 and a message", async (args, message, env: Record<string, string> = {}) => {
    const result = await run(process.execPath, [GRADER, ...args], { ...process.env, ...env });
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it("finds a step's expectations through the manifest, then checks the lab is there", async () => {
    const port = await freePort();
    const reports = await mkdtemp(join(tmpdir(), "cors-lab-reports-"));
    try {
      const result = await run(process.execPath, [GRADER, "--step", "1", "--report-dir", reports], {
        ...process.env,
        LAB_ORIGINS: `http://127.0.0.1:${port}`,
      });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain("the lab is not reachable");
      // The step was found by its number before the lab was looked for: the grade names it.
      const grade = expectValidResult(JSON.parse(await readFile(join(reports, "result.json"), "utf8")));
      expect(grade.tests.map((test) => test["test-name"])).toEqual(["Step 1: Start the lab"]);
    } finally {
      await rm(reports, { recursive: true });
    }
  });

  it("names a broken manifest with exit code 2, before it looks for the lab", async () => {
    const lab = await mkdtemp(join(tmpdir(), "cors-lab-guide-"));
    try {
      await writeFile(join(lab, "manifest.json"), '{"steps": []}');
      const result = await run(process.execPath, [GRADER, "--step", "1"], {
        ...process.env,
        LAB_DIR: lab,
        LAB_ORIGINS: `http://127.0.0.1:${await freePort()}`,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `grader: ${join(lab, "manifest.json")}: "steps" must be a non-empty array\n`,
      );
    } finally {
      await rm(lab, { recursive: true });
    }
  });

  it("exits 3, saying how to start the lab, when the lab is not reachable", async () => {
    const port = await freePort();
    const result = await run(process.execPath, [GRADER], {
      ...process.env,
      LAB_ORIGINS: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `the lab is not reachable: http://127.0.0.1:${port} did not answer (ECONNREFUSED)`,
    );
    expect(result.stderr).toContain("docker compose up -d --wait");
  });

  it("with the lab down, leaves a result.json that scores every step 0 and says why", async () => {
    const port = await freePort();
    const reports = await mkdtemp(join(tmpdir(), "cors-lab-reports-"));
    try {
      const result = await run(process.execPath, [GRADER, "--all", "--step", "2", "--report-dir", reports], {
        ...process.env,
        LAB_ORIGINS: `http://127.0.0.1:${port}`,
      });
      expect(result.code).toBe(3);
      const grade = expectValidResult(JSON.parse(await readFile(join(reports, "result.json"), "utf8")));
      expect(grade).toMatchObject({ score: 0, "max-score": 2 });
      expect(grade.tests.map((test) => test["test-name"])).toEqual([
        "Step 1: Start the lab",
        "Step 2: The basic server and /headers",
      ]);
      expect(grade.tests[0]?.message).toBe(
        `the lab is not reachable: http://127.0.0.1:${port} did not answer (ECONNREFUSED).`,
      );
    } finally {
      await rm(reports, { recursive: true });
    }
  });
});
