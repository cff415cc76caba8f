// Untrusted code, a real boundary (issue #19): a student's policy, written as a student who means
// harm would write it, against the real stack with the warm grader running. Every attempt fails inside
// the policy: the request gets the usual named failure or the policy's own answer (saying what its
// attempt got), the lab's pages and /healthz answer throughout, and no container restarts. Then the
// container itself, without Node's walls: a process in it can start no process, open no IP socket,
// write nothing, see no other process, and cannot signal the sandbox's node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, inspect } from "../support/docker.ts";
import { startWarm, stopWarm } from "../support/grading.ts";
import { http } from "../support/http.ts";
import { policyStatus, servePolicyText, serveStarter } from "../support/policy.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const ORIGIN = "http://app.local:8080";
const SERVICES = ["app", "proxy", "policy"] as const;
let restartsBefore: number[];

const restarts = () =>
  Promise.all(SERVICES.map(async (service) => (await inspect(info, service)).RestartCount));

beforeAll(async () => {
  // The warm grader runs a grader for whoever asks it on 127.0.0.1:9000 in the app's namespace: the
  // first thing a policy that runs in the app could reach.
  await startWarm(info, "warm-grader");
  restartsBefore = await restarts();
});

afterAll(async () => {
  await stopWarm(info, "warm-grader");
  await serveStarter(info);
});

/** A policy whose handler runs `attempts` and answers with what each got, as X-Attempt-* headers. */
const reporting = (
  imports: string,
  attempts: Record<string, string>,
) => `import type { RequestHandler } from "express";
${imports}
const outcome = async (attempt: () => unknown): Promise<string> => {
  try {
    return \`done: \${String(await attempt()).slice(0, 60)}\`;
  } catch (error) {
    const { code, cause, message } = error as { code?: string; cause?: { code?: string }; message: string };
    return code ?? cause?.code ?? message.slice(0, 120);
  }
};
export const corsPolicy: RequestHandler = async (_req, res, next) => {
${Object.entries(attempts)
  .map(
    ([name, code]) =>
      `  res.setHeader("X-Attempt-${name}", (await outcome(async () => ${code})).replace(/[^\\x20-\\x7e]/g, "?"));`,
  )
  .join("\n")}
  next();
};
`;

async function answerAndPages() {
  const [answer, ...pages] = await Promise.all([
    http(info.appPort, "/headers", { headers: { origin: ORIGIN } }),
    http(info.appPort, "/healthz"),
    http(info.appPort, "/lab"),
    http(info.proxyPort, "/healthz", { host: "localhost:8080" }),
  ]);
  expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
  return answer;
}

const attempt = (answer: { headers: Record<string, unknown> }, name: string) =>
  String(answer.headers[`x-attempt-${name.toLowerCase()}`]);

describe("a policy that means harm", () => {
  it.each([
    [
      "ends the process it runs in",
      "() => { process.kill(process.pid, 'SIGKILL'); }",
      /it uses process\.kill\(\)/,
    ],
    ["signals process 1", "() => { process.kill(1, 'SIGTERM'); }", /it uses process\.kill\(\)/],
    [
      "starts a process",
      "() => { process.getBuiltinModule('child_process').spawn('sh', ['-c', 'sleep 600']); }",
      /it uses node:child_process/,
    ],
    [
      "starts a thread to outlive its version",
      "() => { new (process.getBuiltinModule('worker_threads').Worker)('setInterval(() => {}, 1000)', { eval: true }); }",
      /it uses node:worker_threads/,
    ],
    [
      "leaves its state to the next version",
      "() => { new BroadcastChannel('stash').postMessage(process.env); }",
      /it uses BroadcastChannel/,
    ],
  ])("%s: the request fails, named, and the lab answers", async (_name, body, problem) => {
    await servePolicyText(info, `export const corsPolicy = ${body};\n`);
    const answer = await answerAndPages();
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(problem);
  });

  it("opens no network connection: not the warm grader, the app, the proxy, the host or the internet", async () => {
    await servePolicyText(
      info,
      reporting("", {
        grader:
          'fetch("http://127.0.0.1:9000/grade", { method: "POST", body: JSON.stringify({ argv: ["--all"] }) }).then((r) => r.status)',
        app: 'fetch("http://127.0.0.1:3000/healthz").then((r) => r.status)',
        proxy: 'fetch("http://proxy:8080/healthz").then((r) => r.status)',
        gateway: 'fetch("http://172.17.0.1:3000/").then((r) => r.status)',
        // An address and a name that lead nowhere even where a network is (RFC 5737's TEST-NET-1,
        // RFC 2606's .invalid): should a wall fail, no traffic reaches anyone else.
        internet: 'fetch("http://192.0.2.1/").then((r) => r.status)',
        name: 'fetch("http://cors-lab.invalid/").then((r) => r.status)',
      }),
    );
    const answer = await answerAndPages();
    expect(answer.status).toBe(200);
    for (const target of ["grader", "app", "proxy", "gateway", "internet", "name"]) {
      // EPERM: the kernel refuses an IP socket; EAI_AGAIN: there is no name server to ask.
      expect(attempt(answer, target), target).toMatch(/^(EPERM|EAI_AGAIN)$/);
    }
  });

  it("reads nothing outside what a policy loads, and writes nothing anywhere", async () => {
    await servePolicyText(
      info,
      reporting('import { readFileSync, writeFileSync } from "node:fs";', {
        passwd: 'readFileSync("/etc/passwd", "utf8")',
        environ: 'readFileSync("/proc/1/environ", "utf8")',
        appcode: 'readFileSync("/app/services/app/src/app.ts", "utf8")',
        origins: 'readFileSync("/app/services/shared/src/policy-origins.ts", "utf8").length',
        tmp: 'writeFileSync("/tmp/stash", "for the next student")',
        policydir: 'writeFileSync("/app/services/app/policy/stash", "x")',
      }),
    );
    const answer = await answerAndPages();
    expect(answer.status).toBe(200);
    expect(attempt(answer, "passwd")).toBe("ERR_ACCESS_DENIED");
    expect(attempt(answer, "environ")).toBe("ERR_ACCESS_DENIED");
    // The app's own code is not in the sandbox's image at all.
    expect(attempt(answer, "appcode")).toBe("ENOENT");
    expect(attempt(answer, "origins")).toMatch(/^done: \d+$/);
    expect(attempt(answer, "tmp")).toBe("ERR_ACCESS_DENIED");
    expect(attempt(answer, "policydir")).toBe("ERR_ACCESS_DENIED");
  });

  it("cannot pose as the sandbox on the app's socket", async () => {
    await servePolicyText(
      info,
      reporting('import { connect } from "node:net";', {
        link: `new Promise((resolve, reject) => {
    const socket = connect("/run/cors-lab/policy.sock");
    socket.on("connect", () => socket.write(JSON.stringify({ type: "hello", sandbox: { id: "impostor", startedAt: "now", timeoutMs: 1000 } }) + "\\n"));
    socket.on("close", () => resolve("the app closed it"));
    socket.on("error", reject);
  })`,
      }),
    );
    const answer = await answerAndPages();
    expect(attempt(answer, "link")).toBe("done: the app closed it");
    const status = await policyStatus(info);
    expect(status.sandbox.linked && status.sandbox.id).not.toBe("impostor");
  });

  it("grows past its memory outside V8's heap: its threads are ended, named, before the kernel would", async () => {
    await servePolicyText(
      info,
      "const hoard: Uint8Array[] = [];\nexport const corsPolicy = () => { for (;;) hoard.push(new Uint8Array(32 * 2 ** 20).fill(1)); };\n",
    );
    const answer = await answerAndPages();
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/the sandbox grew to \d+ MB \(its limit is \d+ MB\)/);
  });

  it("left every container of the lab running as it was", async () => {
    expect(await restarts()).toEqual(restartsBefore);
    expect((await http(info.appPort, "/healthz")).status).toBe(200);
  });
});

describe("the sandbox's container, to code that got past Node's walls", () => {
  /** Runs `script` with plain node in the policy container, as the sandbox's own user, and its JSON answer. */
  async function inContainer(script: string): Promise<Record<string, string>> {
    const result = await compose(info, ["exec", "-T", "policy", "node", "-e", script]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}");
  }

  it("starts no process, opens no IP socket, writes nothing, sees only itself", async () => {
    const seen = await inContainer(`
const fs = require("node:fs");
const net = require("node:net");
const found = {};
const code = (fn) => { try { fn(); return "done"; } catch (error) { return error.code; } };
found.spawn = code(() => require("node:child_process").execFileSync("/bin/true"));
found.writeTmp = code(() => fs.writeFileSync("/tmp/stash", "x"));
found.writeLink = code(() => fs.writeFileSync("/run/cors-lab/stash", "x"));
found.writeShm = code(() => fs.writeFileSync("/dev/shm/stash", "x"));
found.processes = fs.readdirSync("/proc").filter((name) => /^\\d+$/.test(name)).length;
const socket = net.connect(9000, "127.0.0.1");
socket.on("error", (error) => {
  found.tcp = error.code;
  console.log(JSON.stringify(found));
});
`);
    expect(seen).toEqual({
      spawn: "EPERM",
      writeTmp: "EROFS",
      writeLink: "EROFS",
      writeShm: "ENOENT",
      // The sandbox's node (PID 1) and this one.
      processes: 2,
      tcp: "EPERM",
    });
  });

  it("cannot end the sandbox's node with a signal", async () => {
    const before = (await policyStatus(info)).sandbox;
    await inContainer('process.kill(1, "SIGTERM"); process.kill(1, "SIGKILL"); console.log("{}");');
    expect((await inspect(info, "policy")).RestartCount).toBe(restartsBefore[2]);
    expect((await policyStatus(info)).sandbox).toEqual(before);
    expect((await http(info.appPort, "/headers", { headers: { origin: ORIGIN } })).status).not.toBe(503);
  });
});
