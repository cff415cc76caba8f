// What a block was (issue #21), as a pure function of its evidence: the engine's words as each engine
// gives them (measured in the lab's runs, issue #14), who answered the request, and the app's record
// of it, which a sandboxed page cannot read but the grader can (issue #22).
import { describe, expect, it } from "vitest";
import { type BlockEvidence, classifyBlock } from "../../../services/grader/src/classify-block.ts";

const URL = "http://api.local:8080/headers";
const LAB = { status: 200, fromLab: true, location: undefined } as const;
const rule = (name: string | null) => ({ reached: true, rule: name, explanation: "…", status: 200 }) as const;

const evidence = (overrides: Partial<BlockEvidence>): BlockEvidence => ({
  engine: "chromium",
  url: URL,
  said: undefined,
  answered: LAB,
  record: undefined,
  explained: undefined,
  ...overrides,
});

describe("a block", () => {
  it.each<[string, Partial<BlockEvidence>, object]>([
    [
      "Chromium's code, the record agreeing",
      {
        said: "MissingAllowOriginHeader",
        record: rule("MissingAllowOriginHeader"),
        explained: "MissingAllowOriginHeader",
      },
      {
        cause: "cors",
        reason: "MissingAllowOriginHeader",
        rule: "CORSMissingAllowOrigin",
        explained: "MissingAllowOriginHeader",
      },
    ],
    [
      "Firefox's sentence",
      { engine: "firefox", said: "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200." },
      { cause: "cors", reason: "CORSMissingAllowOrigin", rule: "CORSMissingAllowOrigin" },
    ],
    [
      "Firefox saying nothing, the record naming the rule (* with credentials)",
      { engine: "firefox", record: rule("WildcardOriginNotAllowed") },
      { cause: "cors", reason: "CORSNotSupportingCredentials", evidence: "the lab's record" },
    ],
    [
      "WebKit's words that fit two rules, the record picking one",
      {
        engine: "webkit",
        said: "Origin http://app.local:8080 is not allowed by Access-Control-Allow-Origin. Status code: 200",
        record: rule("AllowOriginMismatch"),
      },
      { cause: "cors", reason: "CORSAllowOriginNotMatchingOrigin", evidence: "the lab's record" },
    ],
    [
      "WebKit's ambiguous words on a sandboxed page, with the record the grader read itself",
      {
        engine: "webkit",
        said: "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200",
        record: rule("MissingAllowOriginHeader"),
        explained: undefined,
      },
      { cause: "cors", rule: "CORSMissingAllowOrigin", evidence: "the lab's record" },
    ],
  ])("%s is CORS, with its rule", (_name, given, expected) => {
    expect(classifyBlock(evidence(given))).toMatchObject({ result: "blocked", ...expected });
  });

  it("with ambiguous words and no record claims no rule", () => {
    const outcome = classifyBlock(
      evidence({
        engine: "webkit",
        said: "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200",
      }),
    );
    expect(outcome).toMatchObject({ cause: "cors", reason: expect.stringContaining("Origin null") });
    expect(outcome).not.toHaveProperty("rule");
  });

  it.each<[string, Partial<BlockEvidence>, object]>([
    [
      "a request nothing answered",
      { said: "net::ERR_CONNECTION_REFUSED", answered: { error: "ECONNREFUSED" } },
      { cause: "other", reason: `${URL} did not answer (ECONNREFUSED): the request never reached the lab` },
    ],
    [
      "a port forwarder's sign-in",
      {
        said: "PreflightInvalidStatus",
        answered: { status: 302, fromLab: false, location: "https://github.com/login?x=1" },
      },
      {
        cause: "forwarder",
        status: 302,
        reason: `${URL} was answered 302 to https://github.com/login by something other than the lab`,
      },
    ],
    [
      "Chromium's Local Network Access code, for a request the lab has no record of (issue #23)",
      { said: "LocalNetworkAccessPermissionDenied", record: { reached: false } },
      {
        cause: "local-network",
        reason: `a public website's page may not reach a local address without the user's permission, so the browser stopped ${URL} (LocalNetworkAccessPermissionDenied); it never reached the lab`,
      },
    ],
    [
      "a request the lab has no record of, stopped for another reason",
      { said: "net::ERR_BLOCKED_BY_CLIENT", record: { reached: false } },
      {
        cause: "other",
        reason: `the browser blocked ${URL} before it reached the lab (net::ERR_BLOCKED_BY_CLIENT)`,
      },
    ],
    [
      "Chromium's Local Network Access code, whatever the record",
      { said: "LocalNetworkAccessPermissionDenied", record: rule(null) },
      { cause: "other", reason: "LocalNetworkAccessPermissionDenied" },
    ],
    [
      "Firefox's sentence for a request that got no answer",
      { engine: "firefox", said: "CORS request did not succeed). Status code: (null)." },
      { cause: "other", reason: "CORS request did not succeed). Status code: (null)." },
    ],
    [
      "a policy that failed on a sandboxed page's request",
      {
        engine: "firefox",
        record: {
          reached: true,
          policyFailure: "Your CORS policy (cors-policy.ts) failed on this request: it threw.",
        },
      },
      { cause: "policy", reason: "Your CORS policy (cors-policy.ts) failed on this request: it threw." },
    ],
    ["no words and no record", { engine: "firefox" }, { cause: "other", reason: "blocked without a reason" }],
  ])("%s is not CORS", (_name, given, expected) => {
    expect(classifyBlock(evidence(given))).toEqual({ result: "blocked", ...expected });
  });
});
