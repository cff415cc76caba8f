import { describe, expect, it } from "vitest";
import { hintFor } from "../../../services/grader/src/hints.ts";
import { judge } from "../../../services/grader/src/matrix.ts";
import type { Outcome } from "../../../services/grader/src/report/report.ts";
import type { PairExpectation } from "../../../services/shared/src/expectations.ts";
import { readLabOrigins } from "../../../services/shared/src/lab-origins.ts";

const APP = "http://app.local:8080";
const API = "http://api.local:8080";

function pair(expected: PairExpectation, got: Outcome) {
  return { page: APP, target: API, expected, got, pass: judge(expected, got) };
}

describe("a pair that expects a particular CORS reason", () => {
  const expected: PairExpectation = { expect: "blocked", reason: "PreflightMissingAllowOriginHeader" };
  it("takes Chromium's code only as it is", () => {
    expect(
      judge(expected, { result: "blocked", cause: "cors", reason: "PreflightMissingAllowOriginHeader" }),
    ).toBe(true);
    const other = {
      result: "blocked",
      cause: "cors",
      reason: "MissingAllowOriginHeader",
      rule: "CORSMissingAllowOrigin",
    } as const;
    expect(judge(expected, other)).toBe(false);
  });
  it("takes another engine's rule by its MDN name, and never a block whose words named no rule", () => {
    const firefox = {
      result: "blocked",
      cause: "cors",
      reason: "CORSMissingAllowOrigin",
      rule: "CORSMissingAllowOrigin",
    } as const;
    expect(judge(expected, firefox)).toBe(true);
    expect(judge(expected, { ...firefox, rule: "CORSAllowOriginNotMatchingOrigin" })).toBe(false);
    expect(judge(expected, { result: "blocked", cause: "cors", reason: "words no pattern knows" })).toBe(
      false,
    );
  });
});

describe("hints", () => {
  it("says nothing about a pair that passed", () => {
    expect(
      hintFor(pair({ expect: "blocked" }, { result: "blocked", cause: "cors", reason: "X" })),
    ).toBeUndefined();
  });

  it("explains a missing Access-Control-Allow-Origin where the step wants the pair allowed", () => {
    expect(
      hintFor(
        pair({ expect: "allowed" }, { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" }),
      ),
    ).toBe(
      `${API} answered without Access-Control-Allow-Origin, so a page from ${APP} may not read it. ` +
        `This step expects ${APP} to be allowed: see services/app/policy/cors-policy.ts.`,
    );
  });

  it("says the policy allows too much when a pair that should be blocked was read", () => {
    expect(
      hintFor(pair({ expect: "blocked" }, { result: "allowed", status: 200, requestId: "1" })),
    ).toContain("allows more than it should");
  });

  it("names the expected reason when the block came for another one", () => {
    const hint = hintFor(
      pair(
        { expect: "blocked", reason: "MissingAllowOriginHeader" },
        { result: "blocked", cause: "cors", reason: "AllowOriginMismatch" },
      ),
    );
    expect(hint).toContain("allows another origin");
    expect(hint).toContain("expects the block to be MissingAllowOriginHeader instead");
  });

  it("points at the lab itself for a block that is not CORS", () => {
    expect(
      hintFor(
        pair(
          { expect: "blocked" },
          { result: "blocked", cause: "other", reason: "net::ERR_NAME_NOT_RESOLVED" },
        ),
      ),
    ).toContain(
      "not CORS (net::ERR_NAME_NOT_RESOLVED). Is the lab running, and do app.local and api.local resolve?",
    );
  });

  it("points at Access-Control-Expose-Headers when the answer was readable but X-Request-Id was not", () => {
    expect(
      hintFor(
        pair(
          { expect: "allowed", readsRequestId: true },
          { result: "allowed", status: 200, requestId: null },
        ),
      ),
    ).toContain("but not its X-Request-Id header");
  });

  it("falls back to the code itself for a CORS error it has no words for", () => {
    expect(
      hintFor(pair({ expect: "allowed" }, { result: "blocked", cause: "cors", reason: "NewCorsError" })),
    ).toContain("The browser blocked it with CORS error NewCorsError.");
  });

  describe("behind a port forwarder", () => {
    const forwarded = (env: Record<string, string>) => readLabOrigins(env);
    const signIn: Outcome = {
      result: "blocked",
      cause: "forwarder",
      status: 302,
      reason:
        "https://8081.example.test/headers was answered 302 to https://github.dev/pf-signin by something other than the lab",
    };

    it("names the sign-in of a private port, not CORS, with Codespaces' command for every port", () => {
      const hint = hintFor(
        pair({ expect: "allowed" }, signIn),
        forwarded({
          CODESPACES: "true",
          CODESPACE_NAME: "ada",
          GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev",
        }),
      );
      expect(hint).toContain(
        "the port forwarder's sign-in, because the port is private. That is not a CORS verdict",
      );
      expect(hint).toContain(
        'gh codespace ports visibility 3000:public 3001:public 8080:public 8081:public 8082:public 8083:public 8084:public 8085:public -c "$CODESPACE_NAME"',
      );
      expect(hint).not.toContain("gp ports");
    });

    it("gives Gitpod's command in Gitpod", () => {
      const hint = hintFor(
        pair({ expect: "allowed" }, { ...signIn, status: 401 }),
        forwarded({ GITPOD_WORKSPACE_URL: "https://ada-ws.ws-eu10.gitpod.io" }),
      );
      expect(hint).toContain(
        'for port in 3000 3001 8080 8081 8082 8083 8084 8085; do gp ports visibility "$port:public"; done',
      );
    });

    it("does not call any other answer a sign-in", () => {
      const hint = hintFor(
        pair({ expect: "allowed" }, { ...signIn, status: 502, reason: "answered 502" }),
        forwarded({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" }),
      );
      expect(hint).toContain("the request never reached the lab. Is every port of the lab forwarded to it");
      expect(hint).not.toContain("sign-in");
    });
  });
});
