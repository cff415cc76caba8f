// The innermost wall of the policy sandbox (issue #19): a policy that reaches for the rest of its
// process (another thread, a signal, the module loader, V8's flags, a child process) gets that named
// as its mistake, on its request alone, and the sandbox keeps answering. The container's walls are
// tested against the real stack (tests/stack/sandbox.test.ts).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const ORIGIN = "http://app.local:8080";

const policy = (body: string) => `import type { RequestHandler } from "express";
export const corsPolicy: RequestHandler | null = ${body};
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-guard-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function answerTo(name: string, text: string) {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, text);
  await using app = await startApp({ CORS_POLICY_FILE: file, CORS_POLICY_WATCH: "false" });
  const answer = await http(app.port, "/headers", { headers: { origin: ORIGIN } });
  const pages = await Promise.all(
    ["/healthz", "/lab"].map(async (path) => (await http(app.port, path)).status),
  );
  const status = JSON.parse((await http(app.port, "/policy.json")).body);
  return { answer, pages, status };
}

describe.each([
  ["signals its own process", "() => { process.kill(process.pid, 'SIGTERM'); }", /it uses process\.kill\(\)/],
  ["signals process 1", "() => { process.kill(1, 'SIGKILL'); }", /it uses process\.kill\(\)/],
  ["exits for real", "() => { process.reallyExit(1); }", /it uses process\.reallyExit\(\)/],
  [
    "starts a thread through getBuiltinModule",
    "() => { process.getBuiltinModule('worker_threads'); }",
    /it uses node:worker_threads/,
  ],
  [
    "starts a process through getBuiltinModule",
    "() => { process.getBuiltinModule('node:child_process').execSync('id'); }",
    /it uses node:child_process/,
  ],
  [
    "talks to the next version over a BroadcastChannel",
    "() => { new BroadcastChannel('stash').postMessage('secret'); }",
    /it uses BroadcastChannel/,
  ],
  [
    "changes V8's flags for the whole process",
    "() => { process.getBuiltinModule('v8').setFlagsFromString('--stack-size=1'); }",
    /it uses node:v8/,
  ],
  [
    "loads a native addon",
    "() => { process.dlopen({ exports: {} }, '/tmp/evil.node'); }",
    /it uses process\.dlopen\(\)/,
  ],
  [
    "puts a killer back in place of process.kill",
    "() => { (process as { kill: unknown }).kill = () => 0; }",
    /Cannot assign to read only property 'kill'/,
  ],
])("a policy that %s", (_name, body, problem) => {
  it("fails that request with the attempt named; the lab's pages answer", async () => {
    const { answer, pages } = await answerTo(_name.replace(/\W+/g, "-"), policy(body));
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/^Your CORS policy \([^)]*\) failed on this request: /);
    expect(answer.body).toMatch(problem);
    expect(pages).toEqual([200, 200]);
  });
});

describe.each([
  [
    "node:worker_threads",
    'import { Worker } from "node:worker_threads";\nexport const corsPolicy = () => new Worker("");',
  ],
  [
    "node:child_process",
    'import { execSync } from "child_process";\nexport const corsPolicy = () => execSync("id");',
  ],
  [
    "node:inspector",
    'import { Session } from "node:inspector";\nexport const corsPolicy = () => new Session();',
  ],
  ["node:module", 'import { createRequire } from "node:module";\nexport const corsPolicy = createRequire;'],
])("a file that imports %s", (module, text) => {
  it("does not load, and says which module it may not use", async () => {
    const { answer, status } = await answerTo(module.replace(/\W+/g, "-"), text);
    expect(status.notLoaded.problem).toContain(`it uses ${module}, which a policy may not`);
    // With no version that loads, the CORS_* variables' policy (none here) is in force.
    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
