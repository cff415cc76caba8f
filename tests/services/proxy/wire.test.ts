// The wire as it is (issue #22): the proxy passes every header line on as its own line, in order,
// with its name as written, both ways; and the app's request log shows each line as received and as
// answered. The app and the proxy run in-process on loopback, the app's answers set by a real policy
// in a real sandbox; each answer is read off a raw socket, byte for byte.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProxyConfig } from "../../../services/proxy/src/config.ts";
import { createProxy } from "../../../services/proxy/src/proxy-server.ts";
import { type RunningApp, startApp } from "../../support/app.ts";
import { HEADER_SHAPE_LINES, HEADER_SHAPES_POLICY } from "../../support/header-shapes.ts";
import { http, type Listening, listen, responseHead } from "../../support/http.ts";
import { recordingLogger } from "../../support/quiet-logger.ts";

let dir: string;
let app: RunningApp;
let proxy: Listening;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cors-lab-wire-"));
  await writeFile(join(dir, "cors-policy.ts"), HEADER_SHAPES_POLICY);
  app = await startApp({ CORS_POLICY_FILE: join(dir, "cors-policy.ts"), CORS_POLICY_WATCH: "false" });
  const config = readProxyConfig({ PROXY_ROUTES: `app.local=http://127.0.0.1:${app.port}` });
  proxy = await listen(createProxy(config, recordingLogger()));
});

afterAll(async () => {
  await proxy?.[Symbol.asyncDispose]();
  await app?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/** What differs from one answer to the next by nature: the time, and the app's request number. */
const steady = (lines: string[]) =>
  lines.map((line) => line.replace(/^(Date|X-Request-Id): .*$/, "$1: (varies)"));

describe("through the proxy", () => {
  it("an answer's header lines are the app's own, byte for byte after the status line", async () => {
    // /me: under the policy, and its body the same whichever way it came (/headers echoes the request).
    const request = (host: string) =>
      `GET /me HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://a.test\r\nConnection: keep-alive\r\n\r\n`;
    const direct = await responseHead(app.port, request(`localhost:${app.port}`));
    const proxied = await responseHead(proxy.port, request("app.local:8080"));
    expect(proxied[0]).toBe(direct[0]);
    expect(steady(proxied.slice(1))).toEqual(steady(direct.slice(1)));
    // Each shape as the app wrote it: repeated lines apart, names as written, commas and empty values kept.
    for (const line of HEADER_SHAPE_LINES) expect(proxied).toContain(line);
  });

  it("a request's header lines reach the app with their names as written, repeated lines apart", async () => {
    const echoed = await http(proxy.port, "/headers", {
      host: "app.local:8080",
      headers: { "X-CamelCase": "v", "x-lower": "w", Origin: "http://a.test" },
    });
    const received = JSON.parse(echoed.body) as Record<string, string | string[]>;
    expect(received["X-CamelCase"]).toBe("v");
    expect(received["x-lower"]).toBe("w");
    expect(received.Origin).toBe("http://a.test");
    const repeated = await responseHead(
      proxy.port,
      "GET /headers HTTP/1.1\r\nHost: app.local:8080\r\nX-Repeat: 1\r\nX-Repeat: 2\r\nConnection: close\r\n\r\n",
    );
    expect(repeated[0]).toMatch(/^HTTP\/1\.1 200/);
    const log = JSON.parse((await http(app.port, "/requests.json")).body).entries as {
      received: [string, string][];
    }[];
    expect(log[0]?.received.filter(([name]) => name === "X-Repeat")).toEqual([
      ["X-Repeat", "1"],
      ["X-Repeat", "2"],
    ]);
  });

  it("an OPTIONS with no body goes on without a Content-Length the browser never sent", async () => {
    await responseHead(
      proxy.port,
      "OPTIONS /headers HTTP/1.1\r\nHost: app.local:8080\r\nOrigin: http://a.test\r\nAccess-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n",
    );
    const log = JSON.parse((await http(app.port, "/requests.json")).body).entries as {
      method: string;
      received: [string, string][];
    }[];
    const preflight = log.find((entry) => entry.method === "OPTIONS");
    expect(preflight?.received.map(([name]) => name.toLowerCase())).not.toContain("content-length");
  });
});

describe("the request log", () => {
  it("shows each header line as received and as answered, repeated lines included", async () => {
    await responseHead(
      app.port,
      `GET /headers HTTP/1.1\r\nHost: localhost:${app.port}\r\nX-Asked: 1\r\nX-Asked: 2\r\nConnection: close\r\n\r\n`,
    );
    const [entry] = JSON.parse((await http(app.port, "/requests.json")).body).entries as {
      received: [string, string][];
      answered: [string, string][];
      corsHeaders: Record<string, string>;
    }[];
    expect(entry?.received).toContainEqual(["X-Asked", "1"]);
    expect(entry?.received).toContainEqual(["X-Asked", "2"]);
    expect(entry?.answered.filter(([name]) => name === "Access-Control-Allow-Origin")).toEqual([
      ["Access-Control-Allow-Origin", "http://a.test"],
      ["Access-Control-Allow-Origin", "http://b.test"],
    ]);
    expect(entry?.answered).toContainEqual(["Set-Cookie", "b=2; Path=/; HttpOnly"]);
    // The browser's check sees the two lines as one list: so does the log's summary of the CORS headers.
    expect(entry?.corsHeaders["access-control-allow-origin"]).toBe("http://a.test, http://b.test");
    const page = await http(app.port, "/requests");
    expect(page.body).toContain(
      "Access-Control-Allow-Origin: http://a.test\nAccess-Control-Allow-Origin: http://b.test",
    );
  });
});
