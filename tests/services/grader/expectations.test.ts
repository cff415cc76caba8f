import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkPairsAgainstOrigins,
  consoleUrl,
  judge,
  pageOrigins,
} from "../../../services/grader/src/matrix.ts";
import {
  DEFAULT_EXPECTATIONS,
  expectationFor,
  loadExpectations,
  parseExpectations,
} from "../../../services/shared/src/expectations.ts";
import { readLabOrigins } from "../../../services/shared/src/lab-origins.ts";

const APP = "http://app.local:8080";
const API = "http://api.local:8080";

describe("expectations", () => {
  it("default: same-origin allowed, cross-origin blocked", () => {
    expect(expectationFor(DEFAULT_EXPECTATIONS, APP, APP)).toEqual({ expect: "allowed" });
    expect(expectationFor(DEFAULT_EXPECTATIONS, APP, API)).toEqual({ expect: "blocked" });
  });

  it("lets a step list pairs that differ from its defaults", () => {
    const step = parseExpectations("step.json", {
      title: "One origin allowed",
      pairs: [
        { page: APP, target: API, expect: "allowed" },
        { page: API, target: APP, expect: "blocked", reason: "MissingAllowOriginHeader" },
      ],
    });
    expect(step.title).toBe("One origin allowed");
    expect(step.request).toBe("simple");
    expect(expectationFor(step, APP, API)).toEqual({ expect: "allowed" });
    expect(expectationFor(step, API, APP)).toEqual({ expect: "blocked", reason: "MissingAllowOriginHeader" });
    expect(expectationFor(step, "http://localhost:3000", API)).toEqual({ expect: "blocked" });
  });

  it.each([
    [[], "the file must hold a JSON object"],
    [{ default: "open" }, '"default" must be an object'],
    [
      { default: { "cross-origin": "maybe" } },
      'default["cross-origin"] must be "allowed", "blocked" or "any", not "maybe"',
    ],
    [{ pairs: {} }, '"pairs" must be an array'],
    [{ readsRequestId: "yes" }, '"readsRequestId" must be true or false, not "yes"'],
    [{ request: "POST" }, '"request" must be "simple", "preflight" or "credentialed", not "POST"'],
    [{ pairs: [{ page: "app.local", target: API, expect: "allowed" }] }, "pairs[0].page must be an origin"],
    [
      { pairs: [{ page: APP, target: API, expect: "allowed", reason: "X" }] },
      'pairs[0].reason must be a string, and only on a "blocked" pair',
    ],
    [
      {
        pairs: [
          { page: APP, target: API, expect: "allowed" },
          { page: APP, target: API, expect: "blocked" },
        ],
      },
      `pairs[1] repeats the pair ${APP} -> ${API}`,
    ],
  ])("rejects %j with a message naming the file and the place", (data, message) => {
    expect(() => parseExpectations("step.json", data)).toThrow(`step.json: ${message}`);
  });

  it("reports a missing file and broken JSON by name", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cors-lab-expect-"));
    try {
      await expect(loadExpectations(join(dir, "none.json"))).rejects.toThrow("cannot read the file (ENOENT)");
      await writeFile(join(dir, "broken.json"), "{ nope");
      await expect(loadExpectations(join(dir, "broken.json"))).rejects.toThrow("broken.json: not valid JSON");
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("refuses a pair that names an origin the lab does not have", () => {
    const step = parseExpectations("step.json", {
      pairs: [{ page: "http://x.test", target: API, expect: "allowed" }],
    });
    expect(() => checkPairsAgainstOrigins("step.json", step, [APP, API])).toThrow(
      'starts at http://x.test, which is neither a lab origin (http://app.local:8080, http://api.local:8080) nor listed in "pages"',
    );
    const toStranger = parseExpectations("step.json", {
      pages: ["http://x.test"],
      pairs: [{ page: APP, target: "http://x.test", expect: "blocked" }],
    });
    expect(() => checkPairsAgainstOrigins("step.json", toStranger, [APP, API])).toThrow(
      "names http://x.test, which is not a lab origin",
    );
  });

  it("adds a step's extra page origins, null among them, as cross-origin pages of the run", () => {
    const step = parseExpectations("step.json", {
      pages: ["http://attacker.localhost:8080", "null"],
      pairs: [{ page: "null", target: APP, expect: "blocked", reason: "MissingAllowOriginHeader" }],
    });
    expect(step.pages).toEqual(["http://attacker.localhost:8080", "null"]);
    expect(pageOrigins([APP, API], step)).toEqual([APP, API, "http://attacker.localhost:8080", "null"]);
    expect(() => checkPairsAgainstOrigins("step.json", step, [APP, API])).not.toThrow();
    expect(expectationFor(step, "null", APP)).toEqual({
      expect: "blocked",
      reason: "MissingAllowOriginHeader",
    });
    expect(expectationFor(step, "http://attacker.localhost:8080", APP)).toEqual({ expect: "blocked" });
    // A sandboxed page is loaded from the first lab origin; every other page from its own home page.
    expect(consoleUrl("null", [APP, API])).toBe("http://app.local:8080/sandboxed");
    expect(consoleUrl(API, [APP, API])).toBe("http://api.local:8080/");
  });

  it.each([
    [{ pages: "null" }, '"pages" must be an array of origins'],
    [
      { pages: ["attacker.localhost"] },
      'pages[0] must be an origin such as "http://app.local:8080" or "null"',
    ],
    [{ pages: ["null", "null"] }, '"pages" lists null twice'],
    [
      { pairs: [{ page: APP, target: "null", expect: "blocked" }] },
      'pairs[0].target must be an origin such as "http://app.local:8080", or a role (localhost, loopback, app, api), not "null"',
    ],
    [
      { pairs: [{ page: "attacker", target: "attacker", expect: "blocked" }] },
      "pairs[0].target must be an origin",
    ],
  ])("refuses extra pages %j with a message", (data, message) => {
    expect(() => parseExpectations("step.json", data)).toThrow(`step.json: ${message}`);
  });
});

describe("expectations by role", () => {
  const file = {
    pages: ["attacker", "sandboxed"],
    pairs: [{ page: "app", target: "api", expect: "allowed" }],
  };

  it("resolve each role in the origin set the lab runs with", () => {
    const byDefault = parseExpectations("step.json", file);
    expect(byDefault.pages).toEqual(["http://attacker.localhost:8080", "null"]);
    expect(expectationFor(byDefault, APP, API)).toEqual({ expect: "allowed" });
    const forwarded = parseExpectations(
      "step.json",
      file,
      readLabOrigins({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" }),
    );
    expect(forwarded.pages).toEqual(["https://8082.example.test", "null"]);
    expect(expectationFor(forwarded, "https://8080.example.test", "https://8081.example.test")).toEqual({
      expect: "allowed",
    });
  });
});

describe("expectations about the victim's secret", () => {
  it("read the path, where the browser signs in, and the secret verdicts, with defaults", () => {
    const step = parseExpectations("step.json", {
      path: "/me",
      signedIn: "app",
      default: { "cross-origin": "blocked", secret: "not read" },
      pairs: [{ page: "app", target: "app", expect: "allowed", secret: "read" }],
    });
    expect(step).toMatchObject({ path: "/me", signedIn: [APP], secret: "not read" });
    expect(expectationFor(step, APP, APP)).toEqual({ expect: "allowed", secret: "read" });
    expect(expectationFor(step, API, APP)).toEqual({ expect: "blocked", secret: "not read" });
  });

  it("read a list of places to sign in, and a secret that may go either way", () => {
    const step = parseExpectations("step.json", {
      signedIn: ["app", "localhost"],
      pairs: [{ page: "app", target: "localhost", expect: "allowed", secret: "any" }],
    });
    expect(step.signedIn).toEqual([APP, "http://localhost:3000"]);
    expect(expectationFor(step, APP, "http://localhost:3000")).toEqual({ expect: "allowed", secret: "any" });
  });

  it.each([
    [{ path: "/secrets" }, '"path" must be one of /headers, /me, not "/secrets"'],
    [{ signedIn: "victim" }, '"signedIn" must be an origin such as "http://app.local:8080", or a role'],
    [
      { signedIn: ["app", "victim"] },
      '"signedIn"[1] must be an origin such as "http://app.local:8080", or a role',
    ],
    [{ signedIn: ["app", "app"] }, '"signedIn" lists http://app.local:8080 twice'],
    [{ default: { secret: "stolen" } }, 'default.secret must be "read", "not read" or "any", not "stolen"'],
  ])("refuse %j with a message", (data, message) => {
    expect(() => parseExpectations("step.json", data)).toThrow(`step.json: ${message}`);
  });

  it("judge a pair by the secret as well as by the browser's verdict", () => {
    const read = { result: "allowed", status: 200, requestId: null, secretRead: true } as const;
    const unread = { result: "allowed", status: 401, requestId: null } as const;
    expect(judge({ expect: "allowed", secret: "read" }, read)).toBe(true);
    expect(judge({ expect: "allowed", secret: "read" }, unread)).toBe(false);
    expect(judge({ expect: "allowed", secret: "not read" }, read)).toBe(false);
    expect(judge({ expect: "any", secret: "not read" }, unread)).toBe(true);
    expect(judge({ expect: "allowed", secret: "any" }, read)).toBe(true);
    expect(judge({ expect: "allowed", secret: "any" }, unread)).toBe(true);
  });
});

describe("judging a pair", () => {
  it("counts only a CORS block as a block", () => {
    expect(
      judge({ expect: "blocked" }, { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" }),
    ).toBe(true);
    expect(
      judge(
        { expect: "blocked" },
        { result: "blocked", cause: "other", reason: "net::ERR_NAME_NOT_RESOLVED" },
      ),
    ).toBe(false);
    expect(judge({ expect: "blocked" }, { result: "allowed", status: 200, requestId: "1" })).toBe(false);
  });

  it("checks the reason when the expectation names one", () => {
    const got = { result: "blocked", cause: "cors", reason: "AllowOriginMismatch" } as const;
    expect(judge({ expect: "blocked", reason: "AllowOriginMismatch" }, got)).toBe(true);
    expect(judge({ expect: "blocked", reason: "MissingAllowOriginHeader" }, got)).toBe(false);
  });

  it("with readsRequestId, wants an allowed pair to let the page read X-Request-Id too", () => {
    const step = parseExpectations("step.json", {
      readsRequestId: true,
      default: { "cross-origin": "allowed" },
    });
    const expected = expectationFor(step, APP, API);
    expect(expected).toEqual({ expect: "allowed", readsRequestId: true });
    expect(judge(expected, { result: "allowed", status: 200, requestId: "7" })).toBe(true);
    expect(judge(expected, { result: "allowed", status: 200, requestId: null })).toBe(false);
    expect(expectationFor(parseExpectations("s.json", { readsRequestId: true }), APP, API)).toEqual({
      expect: "blocked",
    });
  });

  it("lets a pair marked any be allowed or blocked by CORS, but not blocked for another reason", () => {
    expect(judge({ expect: "any" }, { result: "allowed", status: 200, requestId: "1" })).toBe(true);
    expect(
      judge({ expect: "any" }, { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" }),
    ).toBe(true);
    expect(
      judge({ expect: "any" }, { result: "blocked", cause: "other", reason: "net::ERR_NAME_NOT_RESOLVED" }),
    ).toBe(false);
  });

  it("wants an allowed pair allowed", () => {
    expect(judge({ expect: "allowed" }, { result: "allowed", status: 200, requestId: "1" })).toBe(true);
    expect(judge({ expect: "allowed" }, { result: "blocked", cause: "cors", reason: "X" })).toBe(false);
  });
});

describe("expectations about Local Network Access (issue #23)", () => {
  const PUBLIC = "http://public.localhost:8080";
  const step = parseExpectations("step.json", {
    pages: ["public"],
    localNetworkAccess: { enforcedBy: ["chromium"] },
    pairs: [{ page: "public", target: "app", expect: "blocked" }],
  });
  const run = (engine: "chromium" | "firefox", localNetwork: "denied" | "granted", localTargets = true) => ({
    engine,
    localNetwork,
    publicOrigin: PUBLIC,
    localTargets,
  });

  it("expect the public page's pairs blocked by it in the engines that enforce it, unless granted or not local", () => {
    expect(expectationFor(step, PUBLIC, APP, run("chromium", "denied"))).toEqual({ expect: "local-network" });
    expect(expectationFor(step, PUBLIC, APP, run("chromium", "granted"))).toEqual({ expect: "blocked" });
    expect(expectationFor(step, PUBLIC, APP, run("firefox", "denied"))).toEqual({ expect: "blocked" });
    expect(expectationFor(step, PUBLIC, APP, run("chromium", "denied", false))).toEqual({
      expect: "blocked",
    });
    expect(expectationFor(step, APP, API, run("chromium", "denied"))).toEqual({ expect: "blocked" });
  });

  it("pass a block by Local Network Access only where it is expected, and never as CORS", () => {
    const lna = { result: "blocked", cause: "local-network", reason: "stopped" } as const;
    const cors = { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" } as const;
    expect(judge({ expect: "local-network" }, lna)).toBe(true);
    expect(judge({ expect: "local-network" }, cors)).toBe(false);
    expect(judge({ expect: "blocked" }, lna)).toBe(false);
    expect(judge({ expect: "any" }, lna)).toBe(false);
  });

  it("refuse an engine it does not know", () => {
    expect(() => parseExpectations("step.json", { localNetworkAccess: { enforcedBy: ["safari"] } })).toThrow(
      'step.json: "localNetworkAccess" must be { "enforcedBy": [...] }, a list of chromium, firefox, webkit',
    );
  });
});
