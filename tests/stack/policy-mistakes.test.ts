// A learner's broken policy in the real stack: each mistake fails only the requests it handles,
// named within the limit, while the lab's own pages answer and no container restarts; the grader
// reports the policy's failure, never a CORS verdict; a saved fix brings normal grades back at once.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { compose, inspect } from "../support/docker.ts";
import { http } from "../support/http.ts";
import { servePolicyFrom, servePolicyText, serveStarter } from "../support/policy.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const ORIGIN = "http://app.local:8080";
const project = info;

/** Saves the policy file as a learner would, and waits until the sandbox has loaded that save. */
async function save(text: string): Promise<void> {
  await servePolicyText(info, text);
}

afterAll(async () => {
  await serveStarter(info);
});

const policy = (body: string) => `import type { RequestHandler } from "express";
export const corsPolicy: RequestHandler | null = ${body};
`;

describe.each([
  ["an endless loop", policy("() => {\n  for (;;) {}\n}"), /still running after 1000 ms: an endless loop/],
  [
    "a policy that never calls next()",
    policy("() => {}"),
    /neither called next\(\) nor answered within 1000 ms/,
  ],
  [
    "a throw",
    policy('() => {\n  throw new Error("not ready");\n}'),
    /it threw Error: not ready \(cors-policy\.ts line 3\)/,
  ],
  [
    "a header value with a line break",
    policy('(_req, res, next) => {\n  res.setHeader("Access-Control-Allow-Origin", "a\\nb");\n  next();\n}'),
    /a value a header may not hold/,
  ],
  [
    "a rejected promise",
    policy('async () => {\n  throw new Error("later");\n}'),
    /rejected with Error: later \(cors-policy\.ts line 3\)/,
  ],
  ["process.exit()", policy("() => process.exit(3)"), /it called process\.exit\(3\)/],
  [
    "runaway memory",
    policy("() => {\n  const hoard = [];\n  for (;;) hoard.push(new Array(1_000_000).fill(1));\n}"),
    /it used more than the 64 MB a policy may/,
  ],
])("%s", (_name, broken, problem) => {
  it("fails the request within the limit, directly and through the proxy, while the lab's pages answer", async () => {
    await save(broken);
    for (const [port, host] of [
      [info.appPort, "localhost:3000"],
      [info.proxyPort, "api.local:8080"],
    ] as const) {
      const [answer, ...pages] = await Promise.all([
        http(port, "/headers", { host, headers: { origin: ORIGIN } }),
        http(info.appPort, "/lab"),
        http(info.appPort, "/requests.json"),
        http(info.appPort, "/healthz"),
      ]);
      expect(answer.status).toBe(500);
      expect(answer.body).toMatch(problem);
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
    }
    expect((await http(info.appPort, "/healthz")).status).toBe(200);
  });
});

describe("the grader, on a broken policy and right after the fix", () => {
  it("reports every pair as the policy's failure, then passes step 6 once its solution is saved", async () => {
    await save(policy('() => {\n  throw new Error("not ready");\n}'));
    const broken = await compose(project, ["--profile", "grade", "run", "--rm", "grader", "--step", "6"]);
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stdout).toContain("16 failed in your policy");
    const report = JSON.parse(await readFile(join(info.reportsDir, "origin-matrix.json"), "utf8")) as Report;
    expect(report.pairs.map((pair) => pair.got)).toEqual(
      report.pairs.map(() => ({
        result: "blocked",
        cause: "policy",
        reason: expect.stringMatching(/it threw Error: not ready/),
      })),
    );
    expect(report.pairs.every((pair) => pair.hint?.includes("That is not a CORS verdict"))).toBe(true);

    await servePolicyFrom(info, "./lab/06-allow-one-origin/solution");
    const fixed = await compose(project, ["--profile", "grade", "run", "--rm", "grader", "--step", "6"]);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain("every pair as expected");
  });

  it("left no container restarted", async () => {
    expect((await inspect(info, "app")).RestartCount).toBe(0);
    expect((await inspect(info, "proxy")).RestartCount).toBe(0);
    expect((await inspect(info, "policy")).RestartCount).toBe(0);
  });
});
