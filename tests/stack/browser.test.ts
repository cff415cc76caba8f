// The stack in a real browser: the grader container drives Chromium through every ordered pair of
// the four origins, exactly as `docker compose --profile grade run --rm grader` does for a student.
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import type { CommandResult } from "../support/docker.ts";
import { grade, inBrowser, readReport } from "../support/grading.ts";
import { http } from "../support/http.ts";
import { labOrigins, stack } from "../support/stack.ts";

const info = stack();

/** The grader as `npm run grade` runs it: rebuilt if need be, then run. */
const gradeRebuilt = (args: readonly string[] = []): Promise<CommandResult> => grade(info, args, ["--build"]);

const readMatrix = async (): Promise<Report> => JSON.parse(await readReport(info)) as Report;

const LAB_ORIGINS = labOrigins(info);
const PAIRS = LAB_ORIGINS.flatMap((page) => LAB_ORIGINS.map((target) => [page, target] as const));

describe("the origin matrix with no CORS policy", () => {
  let graded: CommandResult;
  let report: Report;

  let requestLog: { path: string; host: string; origin?: string; status: number }[];

  beforeAll(async () => {
    await http(info.appPort, "/requests.json", { method: "DELETE" });
    graded = await gradeRebuilt();
    report = await readMatrix();
    requestLog = JSON.parse((await http(info.appPort, "/requests.json")).body).entries;
  });

  it("exits 0 and says so in its summary", () => {
    expect(graded.code, graded.stderr + graded.stdout).toBe(0);
    expect(graded.stdout).toContain("16 pairs: 4 allowed, 12 blocked by CORS, 0 blocked for another reason");
  });

  it("says where the reports are on the user's machine, not inside its container", () => {
    expect(graded.stdout).toContain(`Reports written to ${join(info.reportsDir, "origin-matrix.json")} `);
    expect(graded.stdout).not.toContain("Reports written to /reports/");
  });

  it("writes its report as the owner of the reports folder", async () => {
    const folder = await stat(info.reportsDir);
    const report = await stat(join(info.reportsDir, "origin-matrix.json"));
    expect({ uid: report.uid, gid: report.gid }).toEqual({ uid: folder.uid, gid: folder.gid });
  });

  it("saw every blocked request arrive at the app, answered 200: the browser withheld the response", () => {
    const reached = (page: string, target: string) =>
      requestLog.some(
        (entry) =>
          new URL(entry.path, "http://lab").pathname === "/headers" &&
          entry.origin === page &&
          entry.host === new URL(target).host &&
          entry.status === 200,
      );
    for (const [page, target] of PAIRS.filter(([p, t]) => p !== t)) {
      expect(reached(page, target), `${page} -> ${target}`).toBe(true);
    }
  });

  it.each(PAIRS.filter(([page, target]) => page === target))(
    "%s may read its own %s/headers",
    (page, target) => {
      const pair = report.pairs.find((p) => p.page === page && p.target === target);
      expect(pair?.got).toMatchObject({ result: "allowed", status: 200 });
      // Same-origin, the page reads every response header, X-Request-Id included.
      expect(pair?.got.result === "allowed" && pair.got.requestId).toMatch(/^\d+$/);
      expect(pair?.pass).toBe(true);
    },
  );

  it.each(PAIRS.filter(([page, target]) => page !== target))(
    "%s is blocked by CORS from reading %s/headers",
    (page, target) => {
      const pair = report.pairs.find((p) => p.page === page && p.target === target);
      // The page's console named the same rule, worked out from the app's record of the request;
      // the rule's MDN name is what other engines' reasons are compared by (issue #14).
      expect(pair?.got).toEqual({
        result: "blocked",
        cause: "cors",
        reason: "MissingAllowOriginHeader",
        rule: "CORSMissingAllowOrigin",
        explained: "MissingAllowOriginHeader",
      });
      expect(pair?.pass).toBe(true);
    },
  );
});

describe("the grader's verdict", () => {
  it("fails, naming every mismatched pair, when the expectations say cross-origin reads are allowed", async () => {
    await writeFile(
      join(info.reportsDir, "all-allowed.json"),
      JSON.stringify({ title: "everything open", default: { "cross-origin": "allowed" } }),
    );
    const graded = await gradeRebuilt(["--expect", "/reports/all-allowed.json"]);
    expect(graded.code).toBe(1);
    expect(graded.stdout).toContain("12 pair(s) not as expected");
    expect(graded.stdout).toContain(
      "- http://localhost:3000 -> http://127.0.0.1:3000: http://127.0.0.1:3000 answered without Access-Control-Allow-Origin",
    );
    const report = await readMatrix();
    expect(report.summary).toMatchObject({ pairs: 16, passed: 4, failed: 12 });
    const junit = await readReport(info, "origin-matrix.junit.xml");
    expect(XMLValidator.validate(junit)).toBe(true);
    const suites = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      junit,
    ).testsuites;
    expect(suites).toMatchObject({ tests: "16", failures: "12" });
    expect(report.pairs.filter((pair) => !pair.pass).map((pair) => `${pair.page} -> ${pair.target}`)).toEqual(
      PAIRS.filter(([page, target]) => page !== target).map(([page, target]) => `${page} -> ${target}`),
    );
  });

  it("rejects a malformed expectation file with a clear message and exit code 2", async () => {
    await writeFile(
      join(info.reportsDir, "broken.json"),
      '{"pairs": [{"page": "app.local", "expect": "maybe"}]}',
    );
    const graded = await gradeRebuilt(["--expect", "/reports/broken.json"]);
    expect(graded.code).toBe(2);
    expect(graded.stderr).toContain('pairs[0].page must be an origin such as "http://app.local:8080"');
    expect(graded.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("escaping in the real browser", () => {
  it("shows hostile header values on the console and the request log as text, never as markup", async () => {
    await http(info.appPort, "/headers", { headers: { origin: '<img src=x onerror="window.__pwned=1">' } });
    const seen = await inBrowser(info, "escaping.ts");
    expect(seen).toMatchObject({
      escaped: true,
      injectedImages: 0,
      pwned: false,
      log: { escaped: true, injectedImages: 0, pwned: false },
    });
    expect(seen.shown).toContain('"x-lab-probe": "<img src=x onerror=\\"window.__pwned=1\\">"');
  });
});

describe("the guide's diagram", () => {
  it("is drawn as SVG in the page, by the Mermaid the app serves, with no error in the console", async () => {
    const seen = await inBrowser(info, "guide-diagram.ts");
    expect(seen.errors).toEqual([]);
    expect(seen.svg).toBe(true);
    expect(seen.text).toContain("http://app.local:8080");
    expect(seen.text).toContain("proxy: http-proxy-3");
  });
});
