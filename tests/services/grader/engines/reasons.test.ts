// Each engine's words for a block, as the engines gave them in the lab (measured in the engines
// image: Firefox ESR 153 over WebDriver BiDi, WebKitGTK 2.50's inspector), read as the failed rule.
import { describe, expect, it } from "vitest";
import { firefoxReason, readReason } from "../../../../services/grader/src/engines/reasons.ts";

const FIREFOX_SENTENCE =
  "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.local:8080/headers?console=a.1. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.";

describe("Firefox's words", () => {
  it("are the sentence's reason, as Firefox wrote it", () => {
    expect(firefoxReason(FIREFOX_SENTENCE)).toBe(
      "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
    );
    expect(firefoxReason("TypeError: NetworkError when attempting to fetch resource.")).toBeUndefined();
  });

  it.each([
    ["CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.", "CORSMissingAllowOrigin"],
    [
      "CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://app.local:8080’).",
      "CORSAllowOriginNotMatchingOrigin",
    ],
    ["Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).", "CORSMultipleAllowOriginNotAllowed"],
    ["expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).", "CORSMissingAllowCredentials"],
    ["CORS preflight response did not succeed). Status code: 403.", "CORSPreflightDidNotSucceed"],
    ["Did not find method in CORS header ‘Access-Control-Allow-Methods’).", "CORSMethodNotFound"],
    [
      "header ‘x-lab-token’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
      "CORSMissingAllowHeaderFromPreflight",
    ],
  ])("read %s as %s", (said, rule) => {
    expect(readReason("firefox", said, undefined)).toEqual({ kind: "cors", code: rule, rule, said });
  });

  it("say a request that got no answer is not a CORS block", () => {
    const said = "CORS request did not succeed). Status code: (null).";
    expect(readReason("firefox", said, "MissingAllowOriginHeader")).toEqual({ kind: "not-cors", said });
  });

  it("that no pattern knows are reported as they are, with no rule guessed", () => {
    const said = "CORS header ‘Access-Control-Allow-Private-Network’ is new).";
    expect(readReason("firefox", said, "MissingAllowOriginHeader")).toEqual({
      kind: "cors",
      code: said,
      rule: undefined,
      said,
    });
  });
});

describe("WebKit's words", () => {
  const notAllowed =
    "Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200";

  it("fit a missing Allow-Origin and a mismatched one alike: the lab's record tells them apart", () => {
    expect(readReason("webkit", notAllowed, "MissingAllowOriginHeader")).toEqual({
      kind: "cors",
      code: "CORSMissingAllowOrigin",
      rule: "CORSMissingAllowOrigin",
      said: notAllowed,
      fromRecord: true,
    });
    expect(readReason("webkit", notAllowed, "PreflightAllowOriginMismatch")).toMatchObject({
      rule: "CORSAllowOriginNotMatchingOrigin",
      fromRecord: true,
    });
  });

  it("name no rule when the lab's record names one the words cannot mean", () => {
    expect(readReason("webkit", notAllowed, "InvalidAllowCredentials")).toEqual({
      kind: "cors",
      code: notAllowed,
      rule: undefined,
      said: notAllowed,
    });
    expect(readReason("webkit", notAllowed, undefined)).toMatchObject({ kind: "cors", rule: undefined });
  });

  it.each([
    ["Access-Control-Allow-Origin cannot contain more than one origin.", "CORSMultipleAllowOriginNotAllowed"],
    [
      "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
      "CORSNotSupportingCredentials",
    ],
    [
      'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
      "CORSMissingAllowCredentials",
    ],
    ["Preflight response is not successful. Status code: 403", "CORSPreflightDidNotSucceed"],
    ["Method PUT is not allowed by Access-Control-Allow-Methods.", "CORSMethodNotFound"],
    [
      "Request header field X-Lab-Token is not allowed by Access-Control-Allow-Headers.",
      "CORSMissingAllowHeaderFromPreflight",
    ],
  ])("read %s as %s", (said, rule) => {
    expect(readReason("webkit", said, undefined)).toEqual({ kind: "cors", code: rule, rule, said });
  });

  it("that do not speak of CORS are not a CORS block", () => {
    const said = "Could not connect to attacker.localhost: Connection refused";
    expect(readReason("webkit", said, undefined)).toEqual({ kind: "not-cors", said });
  });
});

describe("Chromium's codes", () => {
  it("are their own code, with the rule's MDN name", () => {
    expect(readReason("chromium", "PreflightMissingAllowOriginHeader", undefined)).toEqual({
      kind: "cors",
      code: "PreflightMissingAllowOriginHeader",
      rule: "CORSMissingAllowOrigin",
    });
    expect(readReason("chromium", "SomeNewCorsError", undefined)).toEqual({
      kind: "cors",
      code: "SomeNewCorsError",
      rule: undefined,
    });
  });

  it("for a refused local-network request, or a network error, are not a CORS block", () => {
    expect(readReason("chromium", "LocalNetworkAccessPermissionDenied", undefined).kind).toBe("not-cors");
    expect(readReason("chromium", "net::ERR_CONNECTION_REFUSED", undefined).kind).toBe("not-cors");
  });
});

describe("no words at all", () => {
  it("are a CORS block only on the evidence of the lab's record: the request arrived and was answered", () => {
    // Measured: Firefox says nothing over BiDi when Allow-Origin is `*` on a request with credentials.
    expect(readReason("firefox", undefined, "WildcardOriginNotAllowed")).toEqual({
      kind: "cors",
      code: "CORSNotSupportingCredentials",
      rule: "CORSNotSupportingCredentials",
      fromRecord: true,
    });
    expect(readReason("webkit", undefined, undefined)).toEqual({ kind: "none" });
    expect(readReason("webkit", "", "not a rule")).toEqual({ kind: "none" });
  });
});
