// The entry files as real processes: start-up errors, and a clean stop on SIGTERM.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { Agent, request } from "undici";
import { describe, expect, it } from "vitest";
import { ROOT, run } from "../../support/docker.ts";
import { freePort, http, listen } from "../../support/http.ts";

describe.each([
  [
    "app",
    "services/app/src/main.ts",
    { APP_PORT: "eighty" },
    'app: cannot start: APP_PORT="eighty" is not valid',
  ],
  [
    "proxy",
    "services/proxy/src/main.ts",
    { PROXY_ROUTES: "app.local=http://app:3000,api.local" },
    'proxy: cannot start: PROXY_ROUTES="api.local" is not valid',
  ],
])("the %s", (_name, entry, env, message) => {
  it("stops at start-up with one line naming the bad variable, and no stack trace", async () => {
    const result = await run(process.execPath, [entry], { ...process.env, ...env });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*\n$`));
  });
});

function startProcess(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_REQUESTS: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return {
    child,
    async listening(): Promise<void> {
      let seen = "";
      while (!seen.includes("listening")) {
        const [chunk] = (await once(child.stdout, "data")) as [Buffer];
        seen += chunk.toString();
      }
    },
    async exitCode(): Promise<number> {
      if (child.exitCode !== null) return child.exitCode;
      const [code] = (await once(child, "exit")) as [number];
      return code;
    },
    [Symbol.dispose]() {
      child.kill("SIGKILL");
    },
  };
}

describe("stopping on SIGTERM", () => {
  it("the app exits 0 at once, without waiting for an idle keep-alive connection", async () => {
    const port = await freePort();
    using app = startProcess("services/app/src/main.ts", {
      APP_PORT: String(port),
      APP_LISTEN_ADDRESS: "127.0.0.1",
    });
    await app.listening();
    const keepAlive = new Agent(); // undici keeps the connection open after the answer
    const { statusCode, body } = await request(`http://127.0.0.1:${port}/healthz`, { dispatcher: keepAlive });
    await body.text();
    expect(statusCode).toBe(200);
    const started = performance.now();
    app.child.kill("SIGTERM");
    expect(await app.exitCode()).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
    await keepAlive.close();
  });

  it("the proxy finishes a request in flight before it exits 0", async () => {
    let arrived: () => void = () => {};
    const upstreamHasIt = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await using upstream = await listen(
      createHttpServer((_req, res) => {
        arrived();
        setTimeout(() => res.end("late but whole"), 500);
      }),
    );
    const port = await freePort();
    using proxy = startProcess("services/proxy/src/main.ts", {
      PROXY_PORT: String(port),
      PROXY_LISTEN_ADDRESS: "127.0.0.1",
      PROXY_ROUTES: `app.local=http://127.0.0.1:${upstream.port}`,
    });
    await proxy.listening();
    const answer = http(port, "/slow", { host: "app.local" });
    await upstreamHasIt;
    proxy.child.kill("SIGTERM");
    expect(await answer).toMatchObject({ status: 200, body: "late but whole" });
    expect(await proxy.exitCode()).toBe(0);
  });
});
