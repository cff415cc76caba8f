// Plain words for a pair that is not as expected, from what the browser said (Chromium's CORS error
// codes, the Network.CorsError values of the DevTools protocol; Firefox's and WebKit's words read as
// the MDN name of the failed rule), in the words of the lab's one table of CORS rules
// (services/shared/src/cors-rules.ts). Each hint says where to look next.
import { type CorsRule, explainRule, isCorsRule, MDN_NAMES } from "../../shared/src/cors-rules.ts";
import { type LabOrigins, readLabOrigins } from "../../shared/src/lab-origins.ts";
import type { PairResult } from "./report/report.ts";

const POLICY_FILE = "services/app/policy/cors-policy.ts";

/** Where to look when a lab address does not answer, in each origin set. */
const RESOLVES: Readonly<Record<LabOrigins["set"], (origins: LabOrigins) => string>> = {
  default: () => "Is the lab running, and do app.local and api.local resolve?",
  localhost: () => "Is the lab running, and does this browser send names under .localhost to this machine?",
  forwarded: (origins) =>
    `Is the lab running, and is each of its ports (${portsOf(origins).join(", ")}) forwarded?`,
};

/** The ports of the lab, once each, in order. */
const portsOf = (origins: LabOrigins) => [...new Set(Object.values(origins.ports))].sort((a, b) => a - b);

/**
 * What to do when a port forwarder answered in the lab's place: with a redirect or 401/403 that is
 * its sign-in, because the port is private (Codespaces: a 302 to github.dev/pf-signin,
 * microsoft/vscode#130921; Gitpod: a 401, gitpod-io/gitpod#14576).
 */
export function forwarderHint(origins: LabOrigins, reason: string, status: number): string {
  if (!(status >= 300 && status < 400) && status !== 401 && status !== 403) {
    return `${reason}. That is not a CORS verdict: the request never reached the lab. Is every port of the lab forwarded to it (${portsOf(origins).join(", ")})?`;
  }
  const ports = portsOf(origins);
  const codespaces = `gh codespace ports visibility ${ports.map((port) => `${port}:public`).join(" ")} -c "$CODESPACE_NAME"`;
  const gitpod = `for port in ${ports.join(" ")}; do gp ports visibility "$port:public"; done`;
  const how =
    origins.forwarder?.platform === "gitpod"
      ? `In Gitpod: \`${gitpod}\`.`
      : origins.forwarder?.platform === "codespaces"
        ? `In Codespaces: \`${codespaces}\`, or in the Ports panel right-click each port, Port Visibility, Public.`
        : `In Codespaces: \`${codespaces}\` (or the Ports panel); in Gitpod: \`${gitpod}\`.`;
  return (
    `${reason}: the port forwarder's sign-in, because the port is private. That is not a CORS verdict: ` +
    `your browser never saw the lab's answer. Make the lab's ports public. ${how} ` +
    "Where your organisation forbids public ports, use a browser inside the workspace (README, Cloud dev environments)."
  );
}

/** A sentence for a pair that did not pass; undefined for one that did. */
export function hintFor(result: PairResult, origins: LabOrigins = readLabOrigins({})): string | undefined {
  if (result.pass) return undefined;
  const { page, target, expected, got } = result;
  if (got.result === "allowed" && got.secretRead && expected.secret === "not read") {
    return (
      `A page from ${page} read the victim's secret from ${target}: the browser sent the victim's cookie (the page is on ` +
      `the victim's own site, or is the victim's page), and the policy in ${POLICY_FILE} let that page read the answer ` +
      "to a request with credentials. Trust exact origins you control, nothing that merely looks like one."
    );
  }
  if (expected.secret === "read" && !(got.result === "allowed" && got.secretRead)) {
    return `A page from ${page} should read the signed-in victim's secret from ${target}, and did not (${
      got.result === "allowed" ? `it read an answer without one: was the browser signed in?` : got.reason
    }).`;
  }
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
  if (got.cause === "forwarder") return forwarderHint(origins, got.reason, got.status);
  if (got.cause === "local-network") {
    return (
      `${got.reason}. That is Local Network Access, not CORS: no header of ${POLICY_FILE} changes it. ` +
      "The user allows it (the permission prompt, or the site's settings); the grader does with --local-network granted."
    );
  }
  if (expected.expect === "local-network") {
    return `A page from ${page} reached ${target}, but this browser blocks a public website's page from the lab's local addresses unless the user allows it (Local Network Access): was the permission granted, or is the page not public?`;
  }
  if (got.cause === "other") {
    return `The browser blocked ${page} -> ${target} for a reason that is not CORS (${got.reason}). ${RESOLVES[origins.set](origins)}`;
  }
  const rule = ruleOf(got);
  const why = rule
    ? explainRule(rule, page, target)
    : `The browser blocked it with CORS error ${got.reason}.`;
  if (expected.expect === "allowed")
    return `${why} This step expects ${page} to be allowed: see ${POLICY_FILE}.`;
  const wanted = expected.reason ?? "a CORS block";
  const mdn = isCorsRule(wanted) && !isCorsRule(got.reason) ? ` (${MDN_NAMES[wanted]})` : "";
  return `${why} This step expects the block to be ${wanted}${mdn} instead.`;
}

/**
 * The rule a CORS block failed, in Chromium's codes, to explain it: Chromium's own code, or the rule
 * the lab's record names when it is the one another engine's words map to.
 */
function ruleOf(got: PairResult["got"]): CorsRule | undefined {
  if (got.result !== "blocked" || got.cause !== "cors") return undefined;
  if (isCorsRule(got.reason)) return got.reason;
  const recorded = got.explained;
  return recorded !== undefined && isCorsRule(recorded) && MDN_NAMES[recorded] === got.rule
    ? recorded
    : undefined;
}
