// The student's policy file, loaded by a real policy sandbox beside a real app, from a real file that
// the test edits as a student would.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../../services/shared/src/retry.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const allowing = (origin: string) => `import type { RequestHandler } from "express";
export const corsPolicy: RequestHandler | null = (_req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", ${JSON.stringify(origin)});
  next();
};
`;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-policy-"));
  file = join(dir, "cors-policy.ts");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const startWithPolicyFile = (env: Record<string, string> = {}) =>
  startApp({ CORS_POLICY_FILE: file, ...env });

async function allowOrigin(port: number): Promise<string | undefined> {
  const answer = await http(port, "/headers", { headers: { origin: "http://app.local:8080" } });
  return answer.headers["access-control-allow-origin"] as string | undefined;
}

/** The app picks up a saved file within about a second; 5 s leaves room on a busy machine. */
const soon = (check: () => Promise<boolean>) => eventually(check, { timeoutMs: 5000 });

describe("the student's policy file", () => {
  it("applies no policy while it exports null and no CORS_* variable is set", async () => {
    await writeFile(file, "export const corsPolicy = null;\n");
    await using app = await startWithPolicyFile();
    expect(await allowOrigin(app.port)).toBeUndefined();
  });

  it("falls back to the CORS_* variables while it exports null", async () => {
    await writeFile(file, "export const corsPolicy = null;\n");
    await using app = await startWithPolicyFile({ CORS_ALLOW_ORIGINS: "http://app.local:8080" });
    expect(await allowOrigin(app.port)).toBe("http://app.local:8080");
  });

  it("takes effect when saved, without a restart", async () => {
    await writeFile(file, "export const corsPolicy = null;\n");
    await using app = await startWithPolicyFile();
    const log = app.policyLog;
    expect(await allowOrigin(app.port)).toBeUndefined();
    await writeFile(file, allowing("http://app.local:8080"));
    expect(await soon(async () => (await allowOrigin(app.port)) === "http://app.local:8080")).toBe(true);
    expect(log.lines.filter((line) => line.message === "CORS policy loaded")).toHaveLength(2);
  });

  it.each([
    ["a syntax error", "export const corsPolicy = (;\n", /Expression expected|Unexpected token/],
    ["the wrong export", "export const corsPolicy = 42;\n", /must export `corsPolicy`/],
  ])("reports %s and keeps the previous policy in force", async (_name, broken, reason) => {
    await writeFile(file, allowing("http://app.local:8080"));
    await using app = await startWithPolicyFile();
    const log = app.policyLog;
    expect(await allowOrigin(app.port)).toBe("http://app.local:8080");
    await writeFile(file, broken);
    const rejected = () =>
      log.lines.find(
        (line) => line.level === "error" && line.message.startsWith("CORS policy file not loaded"),
      );
    expect(await soon(async () => rejected() !== undefined)).toBe(true);
    expect(String(rejected()?.fields?.reason)).toMatch(reason);
    expect(await allowOrigin(app.port)).toBe("http://app.local:8080");
  });

  it("reports a missing file and serves with no policy", async () => {
    await using app = await startWithPolicyFile({ CORS_POLICY_WATCH: "false" });
    const log = app.policyLog;
    expect(await allowOrigin(app.port)).toBeUndefined();
    expect(
      log.lines.some(
        (line) =>
          line.level === "error" &&
          /Cannot find module|ERR_MODULE_NOT_FOUND/.test(String(line.fields?.reason)),
      ),
    ).toBe(true);
  });
});
