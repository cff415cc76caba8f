// Policies whose answers fail the browser's CORS check in different ways, each with the rule (by
// Chromium's code) that it fails and the request that shows it. Served one after another
// (`servePolicies`): the reason on the page (issue #12) and each engine's reason
// (issue #14) are both checked against them. Each is saved into the stack's policy folder in turn.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { RequestKind } from "../../services/shared/src/console-contract.ts";
import type { CorsRule } from "../../services/shared/src/cors-rules.ts";
import { servePolicyText, serveStarter } from "./policy.ts";
import type { StackInfo } from "./stack.ts";

const setting = (body: string) => `import type { RequestHandler } from "express";
export const corsPolicy: RequestHandler | null = (req, res, next) => {
  const origin = req.headers.origin ?? "";
  ${body}
};
`;
const withCors = (options: string) => `import cors from "cors";
export const corsPolicy = cors(${options});
`;
const NO_POLICY = "export const corsPolicy = null;\n";

export const FAILING_POLICIES: readonly (readonly [CorsRule, RequestKind, string])[] = [
  ["MissingAllowOriginHeader", "simple", NO_POLICY],
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
  ["PreflightMissingAllowOriginHeader", "preflight", NO_POLICY],
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
    withCors('{ origin: true, methods: ["GET"], allowedHeaders: ["Content-Type", "X-Lab-Token"] }'),
  ],
  [
    "HeaderDisallowedByPreflightResponse",
    "preflight",
    withCors('{ origin: true, methods: ["GET", "PUT"], allowedHeaders: ["Content-Type"] }'),
  ],
];

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

/** An expectation file (in the reports folder, /reports in the grader) that takes any verdict. */
export async function anyVerdict(info: StackInfo, title: string, request: RequestKind): Promise<string> {
  await writeFile(
    join(info.reportsDir, "any-verdict.json"),
    JSON.stringify({ title, request, default: { "same-origin": "any", "cross-origin": "any" } }),
  );
  return "/reports/any-verdict.json";
}
