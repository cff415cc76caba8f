// The proxy in-process, in front of real upstream servers on loopback that misbehave on purpose.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { readProxyConfig } from "../../../services/proxy/src/config.ts";
import { createProxy } from "../../../services/proxy/src/proxy-server.ts";
import { http, listen, postBody, rawRequest } from "../../support/http.ts";
import { recordingLogger } from "../../support/quiet-logger.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function startPair(upstream: Handler, upstreamTimeoutMs = 10_000) {
  const app = await listen(createServer(upstream));
  const log = recordingLogger();
  const config = readProxyConfig({
    PROXY_ROUTES: `app.local=http://127.0.0.1:${app.port},gone.local=http://127.0.0.1:1`,
    PROXY_UPSTREAM_TIMEOUT_MS: String(upstreamTimeoutMs),
  });
  const proxy = await listen(createProxy(config, log));
  return {
    log,
    port: proxy.port,
    async [Symbol.asyncDispose]() {
      await proxy[Symbol.asyncDispose]();
      await app[Symbol.asyncDispose]();
    },
  };
}

const echo: Handler = (req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(req.headers));
};

describe("the proxy", () => {
  it("passes the request on with X-Forwarded-* set by itself", async () => {
    await using pair = await startPair(echo);
    const answer = await http(pair.port, "/headers", {
      host: "App.Local:8080",
      headers: { "x-forwarded-proto": "https", "x-forwarded-port": "443" },
    });
    expect(JSON.parse(answer.body)).toMatchObject({
      host: "App.Local:8080",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": "App.Local:8080",
      "x-forwarded-proto": "http",
      "x-forwarded-port": "8080",
    });
  });

  it("answers 502 at once when the upstream refuses the connection", async () => {
    await using pair = await startPair(echo);
    const started = performance.now();
    const answer = await http(pair.port, "/headers", { host: "gone.local" });
    expect(answer.status).toBe(502);
    expect(answer.body).toBe(
      "Bad gateway: the app behind gone.local cannot be reached (ECONNREFUSED). Is it running? See: docker compose ps\n",
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(
      pair.log.lines.some((line) => line.level === "error" && line.fields?.error === "ECONNREFUSED"),
    ).toBe(true);
  });

  it("answers 504 when the upstream takes longer than the configured timeout, and keeps serving", async () => {
    await using pair = await startPair((req, res) => {
      if (req.url === "/slow") setTimeout(() => res.end("too late"), 2000);
      else echo(req, res);
    }, 200);
    const slow = await http(pair.port, "/slow", { host: "app.local" });
    expect(slow.status).toBe(504);
    expect(slow.body).toBe("Gateway timeout: the app behind app.local sent no answer within 200 ms.\n");
    expect((await http(pair.port, "/fast", { host: "app.local" })).status).toBe(200);
  });

  it("survives an upstream that dies half-way through its answer", async () => {
    await using pair = await startPair((req, res) => {
      if (req.url === "/broken") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setTimeout(() => res.socket?.destroy(), 50);
      } else echo(req, res);
    });
    const started = performance.now();
    await expect(http(pair.port, "/broken", { host: "app.local" })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await http(pair.port, "/after", { host: "app.local" })).status).toBe(200);
  });

  it("closes the client's connection when it asks to, and keeps the app's hop-by-hop headers to itself", async () => {
    await using pair = await startPair((req, res) => {
      res.setHeader("keep-alive", "timeout=5");
      echo(req, res);
    });
    const started = performance.now();
    const answer = await rawRequest(
      pair.port,
      "GET /x HTTP/1.1\r\nHost: app.local\r\nConnection: close\r\n\r\n",
    );
    expect(performance.now() - started).toBeLessThan(1000); // not the 5 s keep-alive timeout
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer.toLowerCase()).not.toContain("keep-alive: timeout");
  });

  it("answers its own /healthz on a loopback name, and 421 for other unknown hosts", async () => {
    await using pair = await startPair(echo);
    expect((await http(pair.port, "/healthz", { host: "localhost:8080" })).status).toBe(200);
    const unknown = await http(pair.port, "/healthz", { host: "elsewhere.test" });
    expect(unknown.status).toBe(421);
    expect(unknown.body).toBe(
      'This proxy does not serve "elsewhere.test". It serves app.local, gone.local.\n',
    );
  });

  it("answers a body over its limit with 413, and the client reads it every time, twenty in a row", async () => {
    // Closing at once while the body still arrives would reset the connection, and the reset can
    // wipe out the 413 before the client reads it: the proxy lingers, reading what is left.
    await using pair = await startPair(echo);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await postBody(pair.port, "app.local", 5 * 1024 * 1024));
    expect(answers.filter((answer) => !("status" in answer) || answer.status !== 413)).toEqual([]);
    expect((await http(pair.port, "/after", { host: "app.local" })).status).toBe(200);
  });

  it("answers a chunked body, which declares no length, with 413 once it grows past the limit", async () => {
    // The app reads the whole body before it answers, as express.json() does.
    await using pair = await startPair((req, res) => {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on("end", () => res.end(`read ${bytes} bytes`));
    });
    const under = await postBody(pair.port, "app.local", 512 * 1024, { chunked: true });
    expect(under).toEqual({ status: 200, body: `read ${512 * 1024} bytes` });
    const over = await postBody(pair.port, "app.local", 5 * 1024 * 1024, { chunked: true });
    expect(over).toMatchObject({
      status: 413,
      body: expect.stringContaining("bodies of up to 1048576 bytes"),
    });
    expect((await http(pair.port, "/after", { host: "app.local" })).status).toBe(200);
  });

  it("passes /healthz on to the app where loopback names are routed, as behind a port forwarder", async () => {
    const log = recordingLogger();
    const config = readProxyConfig({ PROXY_ROUTES: "localhost=http://127.0.0.1:1" });
    await using proxy = await listen(createProxy(config, log));
    // The app behind localhost is down: the proxy must not answer for it (issue #19).
    const answer = await http(proxy.port, "/healthz", { host: "localhost:8080" });
    expect(answer.status).toBe(502);
  });
});
