// Grading at the speed of a click (issue #11): the warm grader beside the lab, the Check button of the
// guide's step pages in a real Chromium, the refusal of a check asked from another origin, checks
// asked at once, and "Check in this browser" (issue #24). --all with the pages kept open is
// guide.test.ts's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../services/shared/src/defaults.ts";
import { type CommandResult, compose, containerId, inspect } from "../support/docker.ts";
import { grade, gradeWarm, inBrowser, startWarm, stopWarm } from "../support/grading.ts";
import { http } from "../support/http.ts";
import { servePolicyFrom, serveStarter } from "../support/policy.ts";
import { type StackInfo, stack } from "../support/stack.ts";

const info = stack();
const FINAL_SOLUTION = "./lab/10-misconfigurations/solution";

/** The lab with the warm grader beside it. */
async function upWithWarmGrader(project: StackInfo): Promise<void> {
  await startWarm(project, "warm-grader");
}

/** The Check button, or a cross-origin POST, in the grader image's Chromium. */
const checkInBrowser = (project: StackInfo, args: readonly string[]) =>
  inBrowser(project, "check-button.ts", args);

/**
 * The command line, in the warm grader's container: a run of its own (its own pages, one check at a
 * time), which the warm grader answers in about a second.
 */
const gradeAlone = (project: StackInfo, args: readonly string[]): Promise<CommandResult> =>
  gradeWarm(project, "warm-grader", args);

const words = (line: string) => line.trim().split(/\s+/).join(" ");

/** The button's table and hints are the command line's, row for row and word for word. */
function expectSameAsCommandLine(shown: { rows: string[][]; hints: string[]; verdict: string }, cli: string) {
  const lines = cli.split("\n").map(words);
  expect(shown.rows.length).toBeGreaterThan(0);
  for (const cells of shown.rows)
    expect(lines).toContain(words(cells.filter((cell) => cell !== "").join(" ")));
  const cliRows = lines.filter((line) => / (ok|MISMATCH)$/.test(line));
  expect(shown.rows.length).toBe(cliRows.length);
  expect(shown.hints.map((hint) => `- ${words(hint)}`)).toEqual(
    lines.filter((line) => line.startsWith("- ")),
  );
  expect(lines).toContain(words(shown.verdict.replace(/^(Passed|Not yet): /, "")));
}

beforeAll(async () => {
  await upWithWarmGrader(info);
});

afterAll(async () => {
  await stopWarm(info, "warm-grader");
});

describe("the Check button", () => {
  it.each([
    [3, "passed"],
    [6, "failed"],
  ])("on the untouched lab shows step %i as the command line does (%s)", async (step, state) => {
    const shown = await checkInBrowser(info, ["click", String(step)]);
    expect(shown).toMatchObject({ status: 200, state });
    expect(shown.url).toMatch(new RegExp(`/lab/${step}/check#check$`));
    const cli = await gradeAlone(info, ["--step", String(step)]);
    expect(cli.code, cli.stderr).toBe(state === "passed" ? 0 : 1);
    expectSameAsCommandLine(shown, cli.stdout);
    if (state === "failed") expect(shown.hints.length).toBeGreaterThan(0);
  });

  it("refuses a check asked by another site's page or a sibling on the same site, and says why", async () => {
    const targets = ["http://localhost:3000/lab/3/check", "http://app.local:8080/lab/3/check"];
    const { statuses } = await checkInBrowser(info, ["cross", "http://evil.app.local:8080/", ...targets]);
    expect(statuses).toEqual({ [targets[0] as string]: 403, [targets[1] as string]: 403 });
    const refused = await http(info.appPort, "/lab/3/check", {
      method: "POST",
      headers: { origin: "http://evil.app.local:8080", "sec-fetch-site": "same-site" },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("another origin of the same site");
    expect(refused.body).toContain("step 10");
  });

  it("answers two checks asked at once, each with its own step's result", async () => {
    const ask = (step: number) =>
      http(info.appPort, `/lab/${step}/check`, {
        method: "POST",
        headers: { "sec-fetch-site": "same-origin" },
      });
    const [three, six] = await Promise.all([ask(3), ask(6)]);
    for (const [answer, step, state] of [
      [three, 3, "passed"],
      [six, 6, "failed"],
    ] as const) {
      expect(answer.status, answer.body).toBe(200);
      expect(answer.body).toContain(`data-state="${state}"`);
      expect(answer.body).toContain(`<p class="hint">Step ${step}:`);
    }
  });

  it("cannot be reached from the host: it listens inside the app's network namespace, which publishes no port of it", async () => {
    const warm = await inspect(info, "warm-grader");
    expect(warm.HostConfig.NetworkMode).toBe(`container:${await containerId(info, "app")}`);
    const published = await compose(info, ["port", "app", String(DEFAULTS.GRADER_SERVICE_PORT)]);
    expect(published.code).not.toBe(0);
  });

  it("tells a caller to wait when more checks are waiting than the grader keeps", async () => {
    // Eight at once: one runs, three wait, and the others arrive while those are still there.
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        http(info.appPort, "/lab/1/check", { method: "POST", headers: { "sec-fetch-site": "same-origin" } }),
      ),
    );
    const states = replies.map((reply) => /data-state="(\w+)"/.exec(reply.body)?.[1]);
    const busy = states.filter((state) => state === "busy").length;
    expect(states.filter((state) => state === "passed").length).toBeGreaterThanOrEqual(4);
    expect(busy).toBeGreaterThanOrEqual(1);
    expect(states.filter((state) => state !== "passed" && state !== "busy")).toEqual([]);
    for (const reply of replies.filter((r) => r.status === 503)) expect(reply.body).toContain("busy");
  });

  it("says how to start the grader when it is not running", async () => {
    await compose(info, ["--profile", "check", "stop", "warm-grader"]);
    try {
      const answer = await http(info.appPort, "/lab/3/check", { method: "POST" });
      expect(answer.status).toBe(503);
      expect(answer.body).toContain('data-state="absent"');
      expect(answer.body).toContain("docker compose --profile check up -d");
    } finally {
      await upWithWarmGrader(info);
    }
  });
});

describe("the command line beside the warm grader", () => {
  it("is answered by the warm grader, with the same reports", async () => {
    const before = (await compose(info, ["--profile", "check", "logs", "warm-grader"])).stdout;
    const graded = await grade(info, ["--step", "3"]);
    expect(graded.code, graded.stderr).toBe(0);
    expect(graded.stdout).toContain("every pair as expected");
    const after = (await compose(info, ["--profile", "check", "logs", "warm-grader"])).stdout;
    // The command line names its engine and the user's settings (its variables, here the defaults)
    // when it hands a run over.
    const runs = (logs: string) =>
      logs.split(
        'graded argv="--step 3 --browser chromium --third-party-cookies shipped --local-network denied"',
      ).length;
    expect(runs(after)).toBe(runs(before) + 1);
  });
});

describe("the Check button under the final solution", () => {
  it("shows the step's check in the page as the command line does", async () => {
    const solved = info;
    await servePolicyFrom(info, FINAL_SOLUTION);
    try {
      const shown = await checkInBrowser(solved, ["click", "10"]);
      expect(shown).toMatchObject({ status: 200, state: "passed" });
      const cli = await gradeAlone(solved, ["--step", "10"]);
      expect(cli.code, cli.stderr).toBe(0);
      expectSameAsCommandLine(shown, cli.stdout);
    } finally {
      await serveStarter(info);
    }
  });
});

describe("Check in this browser (issue #24)", () => {
  const ownBrowser = (args: readonly string[]) => inBrowser(info, "own-browser.ts", args);

  it("runs the step in the browser's own window, with no grader, and shows the table, announced", async () => {
    await stopWarm(info, "warm-grader");
    const shown = await ownBrowser(["4"]);
    expect(shown).toMatchObject({ state: "passed", role: "status", live: "polite" });
    expect(shown.verdict).toBe(
      "Passed: 16 pairs: 4 allowed, 12 blocked by CORS, 0 blocked for another reason; every pair as expected.",
    );
    expect(shown.rows).toHaveLength(16);
    // The window it opened is closed again: the step's page alone is left.
    expect(shown.windows).toBe(1);
  });

  it("says what to do when the browser blocks its window", async () => {
    const shown = await ownBrowser(["4", "blocked"]);
    expect(shown.state).toBe("blocked");
    expect(shown.text).toContain(
      "This browser blocked the check's window. Allow pop-ups for http://localhost:3000",
    );
  });

  it("names a page origin that does not load, never as CORS", async () => {
    const shown = await ownBrowser(["4", "gesture", "unresolved", "api.local"]);
    expect(shown.state).toBe("failed");
    const fromApi = shown.rows.filter((row: string[]) => row[0] === "http://api.local:8080");
    expect(fromApi).toHaveLength(4);
    for (const row of fromApi) {
      expect(row[4]).toBe("blocked (not CORS)");
      expect(row[5]).toContain("does its name resolve (the hosts-file line)");
    }
  });
});
