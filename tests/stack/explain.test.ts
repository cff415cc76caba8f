// The reason on the page (issue #12): for policies that fail the CORS check in different ways, the
// request console's explanation, worked out by the app from its own record of the request, names
// the same rule as Chromium's own reason code, pair by pair, in the real browser.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report.ts";
import { eventually } from "../../services/shared/src/retry.ts";
import { grade, readReport, up, withEnv } from "../support/grading.ts";
import { http } from "../support/http.ts";
import { stack } from "../support/stack.ts";

const info = stack();
let dir: string;

const policyVersion = async () =>
  JSON.parse((await http(info.appPort, "/policy.json")).body).version as number;

async function serve(policy: string): Promise<void> {
  const before = await policyVersion();
  await writeFile(join(dir, "cors-policy.ts"), policy);
  expect(await eventually(async () => (await policyVersion()) > before, { timeoutMs: 5000 })).toBe(true);
}

const setting = (body: string) => `import type { RequestHandler } from "express";
export const corsPolicy: RequestHandler | null = (req, res, next) => {
  const origin = req.headers.origin ?? "";
  ${body}
};
`;
const withCors = (options: string) => `import cors from "cors";
export const corsPolicy = cors(${options});
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-explain-"));
  await chmod(dir, 0o755);
  // Not the text of any policy below, so that serving each is a change the app picks up.
  await writeFile(
    join(dir, "cors-policy.ts"),
    "// before the first policy\nexport const corsPolicy = null;\n",
  );
  await up(withEnv(info, { CORS_POLICY_DIR: dir }));
});
afterAll(async () => {
  await up(info);
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ["MissingAllowOriginHeader", "simple", "export const corsPolicy = null;\n"],
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
  ["PreflightMissingAllowOriginHeader", "preflight", "export const corsPolicy = null;\n"],
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
] as const)("a policy whose answers fail with %s", (rule, request, policy) => {
  it(`has the console name ${rule}, as Chromium does, for every pair it blocks`, async () => {
    await serve(policy);
    await writeFile(
      join(info.reportsDir, "explain.json"),
      JSON.stringify({ title: rule, request, default: { "same-origin": "any", "cross-origin": "any" } }),
    );
    const graded = await grade(withEnv(info, { CORS_POLICY_DIR: dir }), [
      "--expect",
      "/reports/explain.json",
    ]);
    expect(graded.code, graded.stdout + graded.stderr).toBe(0);
    const report = JSON.parse(await readReport(info)) as Report;
    const blocked = report.pairs.filter((pair) => pair.got.result === "blocked" && pair.got.cause === "cors");
    expect(blocked).toHaveLength(12);
    for (const { page, target, got } of blocked) {
      expect(got, `${page} -> ${target}`).toMatchObject({ reason: rule, explained: rule });
    }
  });
});
