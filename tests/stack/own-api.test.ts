// The student's own API (issue #25): `grade -- --api URL` against a real server with the CORS setups
// people get wrong, in a container of the test's own, in the grader's Chromium. A page origin with
// no server behind it (the grader gives it its page), each verdict with the browser's own code and
// the rule in plain words from the server's real answer, blocks that are not CORS named as such,
// and every bad input a one-line error with the grader's exit codes. Firefox and WebKit: engines.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { type ApiUnderTest, startApiUnderTest } from "../support/api-under-test.ts";
import { grade, readReport, readReports } from "../support/grading.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const FRONT_END = "http://localhost:5173";
const ATTACKER = "http://attacker.localhost:8080";
let api: ApiUnderTest;

beforeAll(async () => {
  api = await startApiUnderTest(info);
});

afterAll(async () => {
  await api?.[Symbol.asyncDispose]();
});

/** One --api run in the grader's Chromium, the student's machine being the API's container. */
const checkApi = (args: readonly string[]) =>
  grade(
    info,
    ["--api", ...args],
    ["-e", `GRADER_HOST_MACHINE=${api.name}`, "-e", "GRADER_SERVICE_PORT=0", "-e", "GRADER_TIMEOUT_MS=4000"],
  );

/** The pairs of the run's reports, by page origin and request kind. */
async function pairs(): Promise<Map<string, Report["pairs"][number]>> {
  const reports = await readReports(info);
  return new Map(
    reports.flatMap((report) =>
      report.pairs.map((pair) => [`${pair.page} ${report.request}`, pair] as const),
    ),
  );
}

describe("an API that allows its one front end", () => {
  it("lets that page read it, simple and preflighted, from a page origin with no server, and refuses the attacker's", async () => {
    const checked = await checkApi([
      "http://localhost:5000/one",
      "--from",
      FRONT_END,
      "--kinds",
      "simple,preflight",
    ]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain(
      `Your machine's localhost:5000 is reached from the grader's container as ${api.name}:5000`,
    );
    const got = await pairs();
    expect(got.get(`${FRONT_END} simple`)?.got).toMatchObject({ result: "allowed", status: 200 });
    expect(got.get(`${FRONT_END} preflight`)?.got).toMatchObject({ result: "allowed", status: 200 });
    expect(got.get(`${ATTACKER} simple`)?.got).toMatchObject({
      result: "blocked",
      cause: "cors",
      reason: "AllowOriginMismatch",
    });
    const report = JSON.parse(await readReport(info, "result.json"));
    expect(report.score).toBe(report["max-score"]);
  });
});

describe.each([
  [
    "no CORS at all",
    ["http://localhost:5000/none", "--from", FRONT_END],
    `${FRONT_END} simple`,
    "MissingAllowOriginHeader",
    `It sent Access-Control-Allow-Origin: (none); to let this page read it, it would have to send Access-Control-Allow-Origin: ${FRONT_END}.`,
  ],
  [
    "* with credentials",
    ["http://localhost:5000/star-credentials", "--from", FRONT_END, "--kinds", "credentialed"],
    `${FRONT_END} credentialed`,
    "WildcardOriginNotAllowed",
    `It sent Access-Control-Allow-Origin: *, Access-Control-Allow-Credentials: true; to let this page read it, it would have to send Access-Control-Allow-Origin: ${FRONT_END}, Access-Control-Allow-Credentials: true.`,
  ],
  [
    "a preflight that does not allow a header the front end sends",
    [
      "http://localhost:5000/preflight-missing-header",
      "--from",
      FRONT_END,
      "--kinds",
      "preflight",
      "--header",
      "Content-Type: application/json",
      "--header",
      "X-Token: abc",
    ],
    `${FRONT_END} preflight`,
    "HeaderDisallowedByPreflightResponse",
    "It sent Access-Control-Allow-Headers: Content-Type; it would have to list content-type, x-token.",
  ],
])("an API with %s", (_setup, args, pair, code, sent) => {
  it("is blocked by CORS with Chromium's code, and the hint names the header it sent and the one it needs", async () => {
    const checked = await checkApi(args);
    expect(checked.code, checked.stdout + checked.stderr).toBe(1);
    const got = (await pairs()).get(pair);
    expect(got?.got).toMatchObject({ result: "blocked", cause: "cors", reason: code });
    expect(got?.hint).toContain(sent);
    expect(got?.hint).toContain("You said this page should be allowed (--from).");
    expect(checked.stdout).toContain(sent);
  });
});

describe("an API that reflects any origin with credentials", () => {
  it("lets the attacker's page read it too, which the run says is not what was asked", async () => {
    const checked = await checkApi([
      "http://localhost:5000/reflect",
      "--from",
      FRONT_END,
      "--kinds",
      "credentialed",
    ]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(1);
    const got = await pairs();
    expect(got.get(`${FRONT_END} credentialed`)?.got).toMatchObject({ result: "allowed" });
    expect(got.get(`${ATTACKER} credentialed`)).toMatchObject({
      got: { result: "allowed" },
      pass: false,
      hint: expect.stringContaining("but you said it should not (--not-from)"),
    });
  });
});

describe.each([
  [
    "a redirect to a sign-in page",
    "http://localhost:5000/redirect",
    () =>
      "answered 302 to /sign-in: a redirect (to a sign-in page?), not an answer of its own, so not a CORS verdict",
  ],
  ["a redirect loop", "http://localhost:5000/loop", () => "answered 302 to /loop: a redirect"],
  [
    "a server that never answers",
    "http://localhost:5000/hang",
    () => "did not answer within 4000 ms (GRADER_TIMEOUT_MS)",
  ],
  [
    "no server on the port",
    "http://localhost:5999/items",
    () => `Is your API running? From the grader, your machine is ${api.name}`,
  ],
])("%s", (_name, url, words) => {
  it("is named as such, never as a CORS block", async () => {
    const checked = await checkApi([url, "--from", FRONT_END]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(1);
    const got = (await pairs()).get(`${FRONT_END} simple`)?.got;
    expect(got).toMatchObject({ result: "blocked", cause: "other" });
    expect(got && "reason" in got ? got.reason : "").toContain(words());
  });
});

describe("an answer whose body never ends", () => {
  it("is read as far as its headers, and allowed", async () => {
    const checked = await checkApi(["http://localhost:5000/endless", "--from", FRONT_END]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect((await pairs()).get(`${FRONT_END} simple`)?.got).toMatchObject({ result: "allowed", status: 200 });
  });
});

describe.each([
  [
    ["ftp://localhost:5000/x"],
    '--api takes an http or https URL such as http://localhost:5000/api/items, not "ftp://localhost:5000/x"',
  ],
  [
    ["http://localhost:5000/one", "--from", "https://example.com"],
    "--from: the grader gives a page to one of the lab's origins",
  ],
  [
    ["http://localhost:5000/one", "--from", "http://localhost:5000"],
    "--from: http://localhost:5000 is the API's own origin",
  ],
  [["http://localhost:5000/one", "--kinds", "fast"], "--kinds takes simple, preflight, credentialed"],
  [["http://localhost:5000/one", "--header", "Cookie: a=b"], "--header: a page may not set Cookie"],
  [["http://localhost:5000/one", "--step", "3"], "--api checks your own API, not the lab"],
])("bad input %j", (args, message) => {
  it("is one line with exit code 2, and nothing is run", async () => {
    const checked = await checkApi(args);
    expect(checked.code, checked.stdout + checked.stderr).toBe(2);
    // Compose's own lines come first; the grader's is one line, then its usage where it applies.
    const said = checked.stderr.split("\n").filter((line) => line.startsWith("grader: "));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(message);
    expect(checked.stdout).not.toContain("Your API:");
  });
});
