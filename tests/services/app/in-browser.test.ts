// "Check in this browser" on the app's side (issue #24): the plan a step's page follows, and the
// outcomes it posts judged by the step's expectations, from the page's own origin only.
import { describe, expect, it } from "vitest";
import { engineOf } from "../../../services/app/src/in-browser.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const LAB = [
  "http://localhost:3000",
  "http://127.0.0.1:3000",
  "http://app.local:8080",
  "http://api.local:8080",
];
const SAME_ORIGIN = { "content-type": "application/json", origin: "http://localhost:3000" };

describe("a step's plan", () => {
  it("names the step's pages, where their consoles are, the targets, the request and the sign-ins", async () => {
    await using app = await startApp({}, { sandbox: false });
    const plan = JSON.parse((await http(app.port, "/lab/10/plan.json", { host: "localhost:3000" })).body);
    expect(plan).toMatchObject({
      step: 10,
      request: "credentialed",
      path: "/me",
      signedIn: ["http://app.local:8080", "http://localhost:3000"],
      targets: LAB,
    });
    expect(plan.pages).toContainEqual({ origin: "null", url: "http://localhost:3000/sandboxed" });
    expect(plan.pages).toContainEqual({
      origin: "http://evil.app.local:8080",
      url: "http://evil.app.local:8080/",
    });
    expect((await http(app.port, "/lab/42/plan.json")).status).toBe(404);
  });
});

describe("a step's outcomes, posted by its page", () => {
  const post = (port: number, body: unknown, headers: Record<string, string> = SAME_ORIGIN) =>
    http(port, "/lab/4/in-browser", {
      method: "POST",
      host: "localhost:3000",
      headers,
      body: JSON.stringify(body),
    });
  const pairs = () =>
    LAB.flatMap((page) =>
      LAB.map((target) =>
        page === target
          ? { page, target, state: "allowed", status: 200, requestId: null }
          : {
              page,
              target,
              state: "blocked",
              mark: "abc.1",
              record: { reached: true, rule: "MissingAllowOriginHeader", explanation: "", status: 200 },
            },
      ),
    );

  it("are judged by the step's expectations, every block read as the record says", async () => {
    await using app = await startApp({}, { sandbox: false });
    const answer = await post(app.port, {
      browser: "Firefox 153",
      userAgent: "Mozilla/5.0 Firefox/153.0",
      results: pairs(),
    });
    expect(answer.status).toBe(200);
    const judged = JSON.parse(answer.body);
    expect(judged.view).toMatchObject({
      step: 4,
      passed: true,
      heading: expect.stringMatching(/^Firefox 153, 4 page origins x 4 lab origins/),
    });
    expect(judged.pairs).toHaveLength(16);
    expect(judged.pairs[1]).toMatchObject({
      got: { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" },
      pass: true,
    });
  });

  it("says where the browser differs: an allowed pair the step expects blocked, a block that is not CORS", async () => {
    await using app = await startApp({}, { sandbox: false });
    const results = pairs();
    results[1] = {
      page: LAB[0] as string,
      target: LAB[1] as string,
      state: "allowed",
      status: 200,
      requestId: null,
    };
    results[2] = {
      page: LAB[0] as string,
      target: LAB[2] as string,
      state: "not-reached",
      mark: "abc.2",
      record: { reached: false },
    } as never;
    const judged = JSON.parse(
      (await post(app.port, { browser: "Safari 18", userAgent: "Safari", results })).body,
    );
    expect(judged.view.passed).toBe(false);
    expect(judged.view.hints).toEqual([
      "http://localhost:3000 -> http://127.0.0.1:3000: Safari 18 let the page read it, where the grader's Chromium, with the step's policy, blocks it.",
      "http://localhost:3000 -> http://app.local:8080: blocked for a reason that is not CORS (it never reached the lab: an extension, a proxy, or a name that does not resolve), so this is not a verdict on your policy.",
    ]);
  });

  it("refuses outcomes from another origin, and outcomes of pages or targets the step does not have", async () => {
    await using app = await startApp({}, { sandbox: false });
    expect(
      (
        await post(
          app.port,
          { results: pairs() },
          { ...SAME_ORIGIN, origin: "http://attacker.localhost:8080" },
        )
      ).status,
    ).toBe(403);
    const bad = await post(app.port, {
      results: [{ page: "http://elsewhere.test", target: LAB[0], state: "allowed" }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toBe("Not a check's outcomes: each must name a page and a target of the step.\n");
  });
});

describe("the engine of a User-Agent", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", "firefox"],
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
      "chromium",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/143.0.0.0 Safari/537.36 Edg/143.0.0.0",
      "chromium",
    ],
    [
      "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15",
      "webkit",
    ],
  ])("%s is %s", (agent, engine) => {
    expect(engineOf(agent)).toBe(engine);
  });
});
