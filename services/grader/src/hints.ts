// Plain words for a pair that is not as expected, from what Chromium said (its CORS error codes:
// the Network.CorsError values of the DevTools protocol). Each hint says where to look next.
import type { PairResult } from "./matrix.ts";

const POLICY_FILE = "services/app/policy/cors-policy.ts";

const BY_CORS_ERROR: Record<string, (page: string, target: string) => string> = {
  MissingAllowOriginHeader: (page, target) =>
    `${target} answered without Access-Control-Allow-Origin, so a page from ${page} may not read it.`,
  AllowOriginMismatch: (page, target) =>
    `${target} answered with an Access-Control-Allow-Origin that is not ${page}: it allows another origin.`,
  MultipleAllowOriginValues: (_page, target) =>
    `${target} answered with more than one Access-Control-Allow-Origin value; browsers accept exactly one.`,
  InvalidAllowOriginValue: (_page, target) =>
    `${target} answered with an Access-Control-Allow-Origin that is not an origin (scheme://host:port, no path).`,
  WildcardOriginNotAllowed: (_page, target) =>
    `${target} answered Access-Control-Allow-Origin: *, which browsers refuse for requests with credentials.`,
  InvalidAllowCredentials: (_page, target) =>
    `${target} did not answer Access-Control-Allow-Credentials: true, which a request with credentials needs.`,
  PreflightMissingAllowOriginHeader: (page, target) =>
    `The preflight (OPTIONS) to ${target} was answered without Access-Control-Allow-Origin for ${page}.`,
  PreflightAllowOriginMismatch: (page, target) =>
    `The preflight (OPTIONS) to ${target} allowed another origin than ${page}.`,
  PreflightInvalidStatus: (_page, target) =>
    `The preflight (OPTIONS) to ${target} was not answered with a 2xx status.`,
  MethodDisallowedByPreflightResponse: (_page, target) =>
    `The preflight to ${target} was answered, but Access-Control-Allow-Methods does not list the request's method.`,
  HeaderDisallowedByPreflightResponse: (_page, target) =>
    `The preflight to ${target} was answered, but Access-Control-Allow-Headers does not list a header the request sends.`,
};

/** A sentence for a pair that did not pass; undefined for one that did. */
export function hintFor(result: PairResult): string | undefined {
  if (result.pass) return undefined;
  const { page, target, expected, got } = result;
  if (got.result === "allowed" && expected.expect === "allowed") {
    return (
      `A page from ${page} could read the answer of ${target}, but not its X-Request-Id header: response headers ` +
      `beyond the safelisted few stay hidden until Access-Control-Expose-Headers names them (see ${POLICY_FILE}).`
    );
  }
  if (got.result === "allowed" && page === "null") {
    return `A sandboxed page (Origin: null) could read ${target}/headers, but this step expects it blocked: the policy in ${POLICY_FILE} trusts "null", which any page can send from a sandboxed frame.`;
  }
  if (got.result === "allowed") {
    return `A page from ${page} could read ${target}/headers, but this step expects it blocked: the policy in ${POLICY_FILE} allows more than it should. Does it check the whole origin, exactly?`;
  }
  if (got.cause === "policy") {
    return `${got.reason} That is not a CORS verdict: the app could not apply your policy. Fix ${POLICY_FILE} and save it; the app picks it up within a second.`;
  }
  if (got.cause === "other") {
    return `The browser blocked ${page} -> ${target} for a reason that is not CORS (${got.reason}). Is the lab running, and do app.local and api.local resolve?`;
  }
  const explain = BY_CORS_ERROR[got.reason];
  const why = explain ? explain(page, target) : `Chromium blocked it with CORS error ${got.reason}.`;
  if (expected.expect === "allowed")
    return `${why} This step expects ${page} to be allowed: see ${POLICY_FILE}.`;
  return `${why} This step expects the block to be ${expected.reason ?? "a CORS block"} instead.`;
}
