// Policies whose answers fail the browser's CORS check in different ways, each way with the rule (by
// Chromium's code) that it fails and the kind of request that shows it. One policy per kind fails a
// different way for each target (by the Host it is asked under), so that one run of a step shows
// every way of its kind: the reason on the page (issue #12) and each engine's reason (issue #14)
// are checked against them. Each is saved into the stack's policy folder in turn.
import { afterAll, beforeAll } from "vitest";
import type { RequestKind } from "../../services/shared/src/console-contract.ts";
import type { CorsRule } from "../../services/shared/src/cors-rules.ts";
import { servePolicyText, serveStarter } from "./policy.ts";
import type { StackInfo } from "./stack.ts";

/** A handler, as source text, that sets `body`'s headers with the request's Origin at hand. */
const setting = (body: string) => `(req, res, next) => { const origin = req.headers.origin ?? ""; ${body} }`;
const NO_HEADERS = "(req, res, next) => next()";

/** Each way to fail: the rule, the request that shows it, and a handler (source text) that fails it. */
const FAILURES: readonly (readonly [CorsRule, RequestKind, string])[] = [
  ["MissingAllowOriginHeader", "simple", NO_HEADERS],
  [
    "AllowOriginMismatch",
    "simple",
    setting('res.setHeader("Access-Control-Allow-Origin", "http://elsewhere.example"); next();'),
  ],
  [
    "MultipleAllowOriginValues",
    "simple",
    setting('res.setHeader("Access-Control-Allow-Origin", [origin, "http://elsewhere.example"]); next();'),
  ],
  [
    "WildcardOriginNotAllowed",
    "credentialed",
    setting('res.setHeader("Access-Control-Allow-Origin", "*"); next();'),
  ],
  [
    "InvalidAllowCredentials",
    "credentialed",
    setting('res.setHeader("Access-Control-Allow-Origin", origin); next();'),
  ],
  ["PreflightMissingAllowOriginHeader", "preflight", NO_HEADERS],
  [
    "PreflightInvalidStatus",
    "preflight",
    setting(
      'res.setHeader("Access-Control-Allow-Origin", origin); if (req.method === "OPTIONS") res.status(403).end(); else next();',
    ),
  ],
  [
    "MethodDisallowedByPreflightResponse",
    "preflight",
    'cors({ origin: true, methods: ["GET"], allowedHeaders: ["Content-Type", "X-Lab-Token"] })',
  ],
  [
    "HeaderDisallowedByPreflightResponse",
    "preflight",
    'cors({ origin: true, methods: ["GET", "PUT"], allowedHeaders: ["Content-Type"] })',
  ],
];

/** The lab's four targets by host name: each failure of a kind is given one of them. */
const TARGET_HOSTS = ["localhost", "127.0.0.1", "app.local", "api.local"] as const;

export interface FailingPolicy {
  readonly request: RequestKind;
  /** The rule each target's answers fail, by the target's host name. */
  readonly ruleByHost: Readonly<Record<string, CorsRule>>;
  /** The policy file. */
  readonly source: string;
}

/** A policy for each kind of request, failing each of that kind's ways on a target of its own. */
export const FAILING_POLICIES: readonly FailingPolicy[] = (
  ["simple", "credentialed", "preflight"] as const
).map((request) => {
  const ways = FAILURES.filter(([, kind]) => kind === request);
  if (ways.length > TARGET_HOSTS.length)
    throw new Error(`more ways to fail a ${request} request than targets`);
  const entries = ways.map(([rule, , handler], at) => [TARGET_HOSTS[at] as string, rule, handler] as const);
  return {
    request,
    ruleByHost: Object.fromEntries(entries.map(([host, rule]) => [host, rule])),
    source: `import type { RequestHandler } from "express";
import cors from "cors";

const byHost: Record<string, RequestHandler> = {
${entries.map(([host, , handler]) => `  ${JSON.stringify(host)}: ${handler},`).join("\n")}
};
export const corsPolicy: RequestHandler = (req, res, next) => {
  const handler = byHost[(req.headers.host ?? "").split(":")[0] ?? ""];
  return handler === undefined ? next() : handler(req, res, next);
};
`,
  };
});

/** The host name of a target origin, as the policy is asked under it. */
export const hostOf = (target: string) => new URL(target).hostname;

interface ServedInTurn {
  /** The stack, serving the folder's policy. */
  readonly project: StackInfo;
  /** Saves `policy` as the folder's policy file, and waits until the app has loaded it. */
  serve(policy: string): Promise<void>;
}

/**
 * A policy folder of its own for the tests of the calling `describe` (or file): the app serves it
 * from before the first test, and the stack's own policy is back after the last.
 */
export function policiesServedInTurn(info: StackInfo): ServedInTurn {
  let served: (ServedInTurn & { done(): Promise<void> }) | undefined;
  beforeAll(async () => {
    served = await servePolicies(info);
  });
  afterAll(async () => {
    await served?.done();
  });
  const current = () => {
    if (served === undefined) throw new Error("the policy folder is served only while the tests run");
    return served;
  };
  return {
    get project() {
      return current().project;
    },
    serve: (policy) => current().serve(policy),
  };
}

async function servePolicies(info: StackInfo): Promise<ServedInTurn & { done(): Promise<void> }> {
  return {
    project: info,
    serve: async (policy) => {
      await servePolicyText(info, policy);
    },
    done: async () => {
      await serveStarter(info);
    },
  };
}
