// The grader's command line, run as a real process: the paths that end before a browser is needed.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectValidResult } from "../../support/classroom50.ts";
import { run } from "../../support/docker.ts";
import { freePort } from "../../support/http.ts";

const GRADER = "services/grader/src/main.ts";

/**
 * Variables that put every role of the lab on a free port of 127.0.0.1 where nothing listens (the
 * forwarded origin set with a template of our own), and the four lab origins that makes.
 */
async function labNowhere(): Promise<{ env: NodeJS.ProcessEnv; origins: string[] }> {
  const ports = new Set<number>();
  while (ports.size < 6) ports.add(await freePort());
  const [localhost, loopback, app, api, attacker, lookalike] = [...ports].map(String) as string[];
  return {
    env: {
      ...process.env,
      // Never a warm grader this test did not start (issue #21): the run is this process's own.
      GRADER_SERVICE_PORT: "0",
      LAB_FORWARD_TEMPLATE: "http://127.0.0.1:{port}",
      APP_PORT: localhost,
      LAB_LOOPBACK_PORT: loopback,
      PROXY_PORT: app,
      LAB_API_PORT: api,
      LAB_ATTACKER_PORT: attacker,
      LAB_LOOKALIKE_PORT: lookalike,
    },
    origins: [localhost, loopback, app, api].map((port) => `http://127.0.0.1:${port}`),
  };
}

const unreachable = (origins: readonly string[]) =>
  `the lab is not reachable: ${origins.map((origin) => `${origin} did not answer (ECONNREFUSED)`).join("; ")}`;

describe("the grader's command line", () => {
  it("prints its usage for --help", async () => {
    const result = await run(process.execPath, [GRADER, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Usage: grader [--step N | --all [--step N] | --expect FILE | --claims] [--browser B]",
    );
    expect(result.stdout).toContain("--third-party-cookies C");
  });

  it("rejects an unknown option with exit code 2 and the usage", async () => {
    const result = await run(process.execPath, [GRADER, "--stpe", "3"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--stpe'");
    expect(result.stderr).toContain("Usage: grader");
  });

  it("names an engine it does not know, from --browser or GRADER_BROWSER, with exit code 2", async () => {
    const flag = await run(process.execPath, [GRADER, "--browser", "edge"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--browser takes chromium, firefox, webkit or all, not "edge"');
    const variable = await run(process.execPath, [GRADER], { ...process.env, GRADER_BROWSER: "safari" });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toBe(
      'grader: GRADER_BROWSER="safari" is not valid: expected chromium, firefox, webkit or all\n',
    );
  });

  it("names a bad variable with exit code 2", async () => {
    const result = await run(process.execPath, [GRADER], { ...process.env, LAB_ORIGIN_SET: "cloud" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'grader: LAB_ORIGIN_SET="cloud" is not valid: expected one of default, localhost, forwarded\n',
    );
  });

  it.each([
    [["--step", "42"], "grader: --step: there is no step 42; the guide has steps 1 to 11\n"],
    [["--all", "--step", "12"], "grader: --step: there is no step 12; the guide has steps 1 to 11\n"],
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
    [
      ["--step", "10", "--third-party-cookies", "allowed"],
      'grader: --third-party-cookies takes shipped or blocked, not "allowed"',
    ],
    [
      ["--step", "10"],
      'grader: GRADER_THIRD_PARTY_COOKIES="off" is not valid: expected shipped or blocked',
      { GRADER_THIRD_PARTY_COOKIES: "off" },
    ],
    [["--claims", "--step", "7"], "grader: --claims measures the guide's claims, not a step: give it alone"],
    [
      ["--step", "11", "--local-network", "allow"],
      'grader: --local-network takes denied or granted, not "allow"',
    ],
  ])("refuses %j with exit code 2 and a message", async (args, message, env: Record<string, string> = {}) => {
    const result = await run(process.execPath, [GRADER, ...args], { ...process.env, ...env });
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it("finds a step's expectations through the manifest, then checks the lab is there", async () => {
    const { env } = await labNowhere();
    const reports = await mkdtemp(join(tmpdir(), "cors-lab-reports-"));
    try {
      const result = await run(process.execPath, [GRADER, "--step", "1", "--report-dir", reports], env);
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
        APP_PORT: String(await freePort()),
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
    const { env, origins } = await labNowhere();
    const result = await run(process.execPath, [GRADER], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(unreachable(origins));
    expect(result.stderr).toContain("docker compose up -d --wait");
  });

  it("with the lab down, leaves a result.json that scores every step 0 and says why", async () => {
    const { env, origins } = await labNowhere();
    const reports = await mkdtemp(join(tmpdir(), "cors-lab-reports-"));
    try {
      const result = await run(
        process.execPath,
        [GRADER, "--all", "--step", "2", "--report-dir", reports],
        env,
      );
      expect(result.code).toBe(3);
      const grade = expectValidResult(JSON.parse(await readFile(join(reports, "result.json"), "utf8")));
      expect(grade).toMatchObject({ score: 0, "max-score": 2 });
      expect(grade.tests.map((test) => test["test-name"])).toEqual([
        "Step 1: Start the lab",
        "Step 2: The basic server and /headers",
      ]);
      expect(grade.tests[0]?.message).toBe(`${unreachable(origins)}.`);
    } finally {
      await rm(reports, { recursive: true });
    }
  });

  it("with --json, prints the run as one JSON object, its result.json in it, and writes nothing", async () => {
    const { env, origins } = await labNowhere();
    const reports = await mkdtemp(join(tmpdir(), "cors-lab-reports-"));
    try {
      const result = await run(process.execPath, [GRADER, "--step", "2", "--json"], {
        ...env,
        GRADER_REPORT_DIR: reports,
      });
      expect(result.code).toBe(3);
      const answer = JSON.parse(result.stdout);
      expect(answer).toMatchObject({ code: 3, err: expect.stringContaining(unreachable(origins)) });
      expect(expectValidResult(JSON.parse(answer.files["result.json"])).score).toBe(0);
      expect(await readdir(reports)).toEqual([]);
    } finally {
      await rm(reports, { recursive: true });
    }
  });

  it("exits 5 with one line when the grader itself fails, never 1", async () => {
    const { env } = await labNowhere();
    // A fault put into the grader's own process: an error thrown from a timer while the run is under way.
    const fault = 'data:text/javascript,setTimeout(() => { throw new Error("a bug in the grader"); }, 0);';
    const result = await run(process.execPath, ["--import", fault, GRADER, "--step", "2"], env);
    expect(result.code).toBe(5);
    expect(result.stderr.trim()).toBe("grader: the grader itself failed: a bug in the grader");
  });
});
