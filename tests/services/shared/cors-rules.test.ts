import { describe, expect, it } from "vitest";
import {
  type CheckedAnswer,
  type CheckedRequest,
  failedRule,
} from "../../../services/shared/src/cors-rules.ts";

const PAGE = "http://app.local:8080";
const simple: CheckedRequest = { origin: PAGE, method: "GET", credentials: false, unsafeHeaders: [] };
const credentialed: CheckedRequest = { ...simple, credentials: true };
const preflighted: CheckedRequest = {
  origin: PAGE,
  method: "PUT",
  credentials: false,
  unsafeHeaders: ["content-type", "x-lab-token"],
};
const answer = (headers: Record<string, string>, status = 200): CheckedAnswer => ({ status, headers });
const allowing = { "access-control-allow-origin": PAGE };
const preflightOk = answer(
  {
    ...allowing,
    "access-control-allow-methods": "GET,HEAD,PUT",
    "access-control-allow-headers": "Content-Type,X-Lab-Token",
  },
  204,
);

describe("the browser's CORS check", () => {
  it.each([
    ["no Access-Control-Allow-Origin", simple, undefined, answer({}), "MissingAllowOriginHeader"],
    [
      "another origin allowed",
      simple,
      undefined,
      answer({ "access-control-allow-origin": "http://api.local:8080" }),
      "AllowOriginMismatch",
    ],
    [
      "an origin with a path",
      simple,
      undefined,
      answer({ "access-control-allow-origin": `${PAGE}/` }),
      "InvalidAllowOriginValue",
    ],
    [
      "two origins",
      simple,
      undefined,
      answer({ "access-control-allow-origin": `${PAGE}, http://api.local:8080` }),
      "MultipleAllowOriginValues",
    ],
    [
      "* with credentials",
      credentialed,
      undefined,
      answer({ "access-control-allow-origin": "*" }),
      "WildcardOriginNotAllowed",
    ],
    [
      "credentials without Allow-Credentials",
      credentialed,
      undefined,
      answer(allowing),
      "InvalidAllowCredentials",
    ],
    ["a preflight answered 403", preflighted, answer(allowing, 403), undefined, "PreflightInvalidStatus"],
    [
      "a preflight without Allow-Origin",
      preflighted,
      answer({}, 204),
      undefined,
      "PreflightMissingAllowOriginHeader",
    ],
    [
      "a preflight allowing another origin",
      preflighted,
      answer({ "access-control-allow-origin": "http://api.local:8080" }, 204),
      undefined,
      "PreflightAllowOriginMismatch",
    ],
    [
      "a preflight not allowing PUT",
      preflighted,
      answer(
        {
          ...allowing,
          "access-control-allow-methods": "GET,HEAD",
          "access-control-allow-headers": "content-type,x-lab-token",
        },
        204,
      ),
      undefined,
      "MethodDisallowedByPreflightResponse",
    ],
    [
      "a preflight not allowing X-Lab-Token",
      preflighted,
      answer(
        {
          ...allowing,
          "access-control-allow-methods": "PUT",
          "access-control-allow-headers": "Content-Type",
        },
        204,
      ),
      undefined,
      "HeaderDisallowedByPreflightResponse",
    ],
    [
      "an allowed preflight, then an actual answer without Allow-Origin",
      preflighted,
      preflightOk,
      answer({}),
      "MissingAllowOriginHeader",
    ],
  ] as const)("fails on %s", (_name, request, preflight, actual, rule) => {
    expect(failedRule(request, preflight, actual)).toBe(rule);
  });

  it.each([
    ["the exact origin", simple, undefined, answer(allowing)],
    ["* without credentials", simple, undefined, answer({ "access-control-allow-origin": "*" })],
    [
      "credentials with the exact origin and Allow-Credentials",
      credentialed,
      undefined,
      answer({ ...allowing, "access-control-allow-credentials": "true" }),
    ],
    ["a preflight that allows it all, then the answer", preflighted, preflightOk, answer(allowing)],
    [
      "headers allowed by *, without credentials",
      preflighted,
      answer({ ...allowing, "access-control-allow-methods": "*", "access-control-allow-headers": "*" }, 204),
      answer(allowing),
    ],
  ] as const)("passes %s", (_name, request, preflight, actual) => {
    expect(failedRule(request, preflight, actual)).toBeUndefined();
  });
});
