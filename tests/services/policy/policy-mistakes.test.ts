// A learner's policy with one mistake at a time, in a real app on loopback: the request gets its
// mistake named within the time limit, the lab's own pages keep answering meanwhile and after, the
// log says it once, and a fixed file brings the policy back without a restart (issue #15).

import { watch } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../../services/shared/src/retry.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const ORIGIN = "http://app.local:8080";

const policy = (body: string, before = "") => `import type { RequestHandler } from "express";
${before}
export const corsPolicy: RequestHandler | null = ${body};
`;

const CORRECT = policy(`(_req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", ${JSON.stringify(ORIGIN)});
  next();
}`);

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-mistakes-"));
  file = join(dir, "cors-policy.ts");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withOrigin = (port: number) => http(port, "/headers", { headers: { origin: ORIGIN } });

/** The lab's own pages, which must never depend on the policy. */
async function labPagesAnswer(port: number): Promise<number[]> {
  return Promise.all(
    ["/healthz", "/lab", "/requests.json", "/", "/policy.json"].map(
      async (path) => (await http(port, path)).status,
    ),
  );
}

describe.each([
  [
    "an endless loop",
    policy(`(_req, _res, _next) => {
  while (true) {}
}`),
    /still running after 1000 ms: an endless loop/,
  ],
  [
    "a policy that never calls next() nor answers",
    policy("(_req, _res, _next) => {}"),
    /neither called next\(\) nor answered within 1000 ms/,
  ],
  [
    "a throw",
    policy(`(_req, _res, _next) => {
  throw new Error("origin list not ready");
}`),
    /it threw Error: origin list not ready \(cors-policy\.ts line 4\)/,
  ],
  [
    "a header value with a line break",
    policy(`(req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", \`\${req.headers.origin}\\r\\nX-Injected: 1\`);
  next();
}`),
    /it set a header to a value a header may not hold .* \(cors-policy\.ts line 4\)/,
  ],
  [
    "an async policy whose promise rejects",
    policy(`async (_req, _res, _next) => {
  await Promise.resolve();
  throw new TypeError("cannot read the allow-list");
}`),
    /promise that was rejected with TypeError: cannot read the allow-list \(cors-policy\.ts line 5\)/,
  ],
  [
    "process.exit()",
    policy(`(_req, _res, _next) => {
  process.exit(1);
}`),
    /it called process\.exit\(1\): a policy only decides on headers/,
  ],
  [
    "runaway memory",
    policy(
      `(_req, _res, _next) => {
  hoard.push(new Array(1_000_000).fill(1)); // grows by 8 MB on every request, forever
  while (true) hoard.push(new Array(1_000_000).fill(hoard.length));
}`,
      "const hoard: number[][] = [];",
    ),
    /it used more than the 32 MB a policy may/,
  ],
  [
    "next() with an error",
    policy(`(_req, _res, next) => {
  next(new RangeError("no such origin"));
}`),
    /it threw RangeError: no such origin \(cors-policy\.ts line 4\)/,
  ],
])("%s", (_name, broken, problem) => {
  it("fails that request alone, naming the mistake within the limit; the lab stays up and recovers on save", async () => {
    await writeFile(file, broken);
    await using app = await startApp({ CORS_POLICY_FILE: file, POLICY_MEMORY_MB: "32" });
    for (let attempt = 0; attempt < 2; attempt++) {
      const [answer, pages] = await Promise.all([withOrigin(app.port), labPagesAnswer(app.port)]);
      expect(answer.status).toBe(500);
      expect(answer.body).toMatch(/^Your CORS policy \(cors-policy\.ts\) failed on this request: /);
      expect(answer.body).toMatch(problem);
      expect(answer.headers["x-lab-policy-failure"]).toMatch(problem);
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
      expect(pages).toEqual([200, 200, 200, 200, 200]);
    }
    // Recorded for the request log (the console finds it there), and in the app's log once.
    const logged = JSON.parse((await http(app.port, "/requests.json")).body).entries;
    expect(logged[0].policyFailure).toMatch(problem);
    expect(app.policyLog.lines.filter((line) => line.message === "your CORS policy failed")).toHaveLength(1);
    expect(await labPagesAnswer(app.port)).toEqual([200, 200, 200, 200, 200]);

    await writeFile(file, CORRECT);
    const fixed = await eventually(
      async () => (await withOrigin(app.port)).headers["access-control-allow-origin"] === ORIGIN,
      { timeoutMs: 3000 },
    );
    expect(fixed).toBe(true);
  });
});

describe("mistakes that keep the previous policy in force", () => {
  it.each([
    [
      "a throw while the file loads",
      'throw new Error("not yet");\nexport const corsPolicy = null;\n',
      /it threw Error while loading: not yet/,
    ],
    [
      "an import of a package that is not there",
      'import x from "cors-helpers";\nexport const corsPolicy = x;\n',
      /it imports something that cannot be found/,
    ],
    [
      "an export that is not a middleware",
      'export const corsPolicy = "http://app.local:8080";\n',
      /it must export `corsPolicy`.*it exports string/,
    ],
    ["a syntax error", "export const corsPolicy = (;\n", /it is not valid TypeScript: Expression expected/],
    [
      "a loop while the file loads",
      "while (true) {}\nexport const corsPolicy = null;\n",
      /it did not finish loading within 3000 ms/,
    ],
  ])("%s is reported, and the policy before it still answers", async (_name, broken, problem) => {
    await writeFile(file, CORRECT);
    await using app = await startApp({ CORS_POLICY_FILE: file });
    expect((await withOrigin(app.port)).headers["access-control-allow-origin"]).toBe(ORIGIN);
    await writeFile(file, broken);
    const status = async () => JSON.parse((await http(app.port, "/policy.json")).body);
    // A file that loops while loading is given up on after 3 s; meanwhile the policy in force answers.
    const reported = eventually(async () => (await status()).notLoaded !== undefined, { timeoutMs: 6000 });
    expect((await withOrigin(app.port)).headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(await reported).toBe(true);
    expect((await status()).notLoaded.problem).toMatch(problem);
    expect((await withOrigin(app.port)).headers["access-control-allow-origin"]).toBe(ORIGIN);
    const page = await http(app.port, "/requests");
    expect(page.body).toContain("did not load");
  });
});

describe("what Express allows a middleware", () => {
  it("takes next(null) as no error, as the cors package uses it for an origin it does not allow", async () => {
    await writeFile(
      file,
      policy(`(req, res, next) => {
  if (req.headers.origin === ${JSON.stringify(ORIGIN)}) res.setHeader("Access-Control-Allow-Origin", ${JSON.stringify(ORIGIN)});
  next(null);
}`),
    );
    await using app = await startApp({ CORS_POLICY_FILE: file });
    expect((await withOrigin(app.port)).headers["access-control-allow-origin"]).toBe(ORIGIN);
    const other = await http(app.port, "/headers", { headers: { origin: "http://api.local:8080" } });
    expect(other.status).toBe(200);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("a policy that leaves a promise to fail after its request", () => {
  it("answers the request, and the log says what failed later, once", async () => {
    await writeFile(
      file,
      policy(`(_req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", ${JSON.stringify(ORIGIN)});
  Promise.reject(new Error("audit log unreachable"));
  next();
}`),
    );
    await using app = await startApp({ CORS_POLICY_FILE: file });
    for (let i = 0; i < 3; i++) expect((await withOrigin(app.port)).status).toBe(200);
    const stray = () => app.policyLog.lines.filter((line) => line.message === "your CORS policy failed");
    expect(await eventually(async () => stray().length > 0, { timeoutMs: 2000 })).toBe(true);
    expect(stray()).toHaveLength(1);
    expect(String(stray()[0]?.fields?.problem)).toContain("audit log unreachable");
  });
});

describe("saving the file", () => {
  it("takes effect when no file event arrives, as with Docker Desktop on Windows", async () => {
    // The app is told of a path in a folder where nothing changes: the real file lives elsewhere,
    // behind a symbolic link, so a save makes no event in the folder the app knows of.
    const elsewhere = await mkdtemp(join(tmpdir(), "cors-lab-elsewhere-"));
    try {
      const real = join(elsewhere, "cors-policy.ts");
      await writeFile(real, "export const corsPolicy = null;\n");
      await symlink(real, file);
      await using app = await startApp({ CORS_POLICY_FILE: file });
      expect((await withOrigin(app.port)).headers["access-control-allow-origin"]).toBeUndefined();
      const events: string[] = [];
      const watcher = watch(dir, (event, name) => events.push(`${event} ${name}`));
      try {
        await writeFile(real, CORRECT);
        const picked = await eventually(
          async () => (await withOrigin(app.port)).headers["access-control-allow-origin"] === ORIGIN,
          { timeoutMs: 3000, intervalMs: 50 },
        );
        expect(picked).toBe(true);
        expect(events).toEqual([]);
      } finally {
        watcher.close();
      }
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
