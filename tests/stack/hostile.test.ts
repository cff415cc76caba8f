// Hostile and malformed requests against the real containers, written as an attacker with a raw
// socket would send them (RFC 9110/9112). After each, an ordinary request must still succeed.
import { Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { retryUntil } from "../../services/shared/src/retry.ts";
import { establishedConnections, inspect } from "../support/docker.ts";
import { http, postBody, rawRequest } from "../support/http.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const CLOSE = "Connection: close\r\n";

function statusLine(answer: string): string {
  return answer.split("\r\n")[0] ?? "";
}

function bodyOf(answer: string): string {
  return answer.slice(answer.indexOf("\r\n\r\n") + 4);
}

async function stillServing(): Promise<void> {
  expect((await http(info.proxyPort, "/headers", { host: "app.local:8080" })).status).toBe(200);
  expect((await http(info.appPort, "/headers")).status).toBe(200);
}

interface Case {
  readonly name: string;
  readonly request: string;
  readonly status: RegExp;
}

function describeClass(title: string, cases: readonly Case[], port = () => info.proxyPort) {
  describe(title, () => {
    it.each(cases)("$name", async ({ request, status }) => {
      const answer = await rawRequest(port(), request);
      expect(statusLine(answer)).toMatch(status);
      await stillServing();
    });
  });
}

describeClass("malformed request lines and methods", [
  { name: "garbage instead of a request line", request: "GARBAGE\r\n\r\n", status: /^HTTP\/1\.1 400 / },
  {
    name: "no request target",
    request: `GET HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`,
    status: /^HTTP\/1\.1 400 /,
  },
  {
    name: "a space inside the target",
    request: `GET /he aders HTTP/1.1\r\nHost: app.local\r\n\r\n`,
    status: / 400 /,
  },
  { name: "an unknown HTTP version", request: "GET / HTTP/9.9\r\nHost: app.local\r\n\r\n", status: / 400 / },
  {
    name: "HTTP/2.0 spoken as HTTP/1",
    request: `GET / HTTP/2.0\r\nHost: app.local\r\n${CLOSE}\r\n`,
    status: / 505 /,
  },
  { name: "an unknown method token", request: "FROB / HTTP/1.1\r\nHost: app.local\r\n\r\n", status: / 400 / },
  {
    name: "a control character in a header",
    request: "GET / HTTP/1.1\r\nHost: app.local\r\nX-A: a\x01b\r\n\r\n",
    status: / 400 /,
  },
  {
    name: "a header line without a colon",
    request: "GET / HTTP/1.1\r\nHost: app.local\r\nbroken\r\n\r\n",
    status: / 400 /,
  },
  { name: "a bare LF line ending", request: "GET / HTTP/1.1\nHost: app.local\n\n", status: / 400 / },
]);

describeClass("ambiguous message framing (request smuggling)", [
  {
    name: "Content-Length together with Transfer-Encoding",
    request:
      "POST /headers HTTP/1.1\r\nHost: app.local\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    status: / 400 /,
  },
  {
    name: "two different Content-Length values",
    request:
      "POST /headers HTTP/1.1\r\nHost: app.local\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    status: / 400 /,
  },
  {
    name: "an invalid chunk size",
    request:
      "POST /headers HTTP/1.1\r\nHost: app.local\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    status: / 400 /,
  },
  {
    name: "a Transfer-Encoding other than chunked",
    request: "POST /headers HTTP/1.1\r\nHost: app.local\r\nTransfer-Encoding: gzip\r\n\r\n",
    status: / 400 /,
  },
  {
    name: "a negative Content-Length",
    request: "POST /headers HTTP/1.1\r\nHost: app.local\r\nContent-Length: -1\r\n\r\n",
    status: / 400 /,
  },
]);

describeClass("oversize headers and URLs", [
  {
    name: "a 20 kB header",
    request: `GET /headers HTTP/1.1\r\nHost: app.local\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    status: / 431 /,
  },
  {
    name: "a 20 kB URL",
    request: `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: app.local\r\n\r\n`,
    status: / 431 /,
  },
  {
    name: "500 small headers",
    request: `GET /headers HTTP/1.1\r\nHost: app.local\r\n${Array.from({ length: 500 }, (_, i) => `X-H${i}: ${"v".repeat(30)}\r\n`).join("")}\r\n`,
    status: / 431 /,
  },
]);

describeClass("missing, empty, repeated and odd Host values and request targets", [
  { name: "no Host in HTTP/1.1", request: `GET /headers HTTP/1.1\r\n${CLOSE}\r\n`, status: / 400 / },
  { name: "no Host in HTTP/1.0", request: "GET /headers HTTP/1.0\r\n\r\n", status: / 400 / },
  { name: "an empty Host", request: `GET /headers HTTP/1.1\r\nHost: \r\n${CLOSE}\r\n`, status: / 400 / },
  {
    name: "two Host headers",
    request: `GET /headers HTTP/1.1\r\nHost: app.local\r\nHost: evil.test\r\n${CLOSE}\r\n`,
    status: / 400 /,
  },
  {
    name: "a Host with two ports",
    request: `GET / HTTP/1.1\r\nHost: app.local:1:2\r\n${CLOSE}\r\n`,
    status: / 400 /,
  },
  {
    name: "a Host with user info",
    request: `GET / HTTP/1.1\r\nHost: me@app.local\r\n${CLOSE}\r\n`,
    status: / 400 /,
  },
  { name: "an unknown Host", request: `GET / HTTP/1.1\r\nHost: evil.test\r\n${CLOSE}\r\n`, status: / 421 / },
  {
    name: "absolute form, whose authority wins over Host (RFC 9112 §3.2.2)",
    request: `GET http://app.local:8080/headers HTTP/1.1\r\nHost: evil.test\r\n${CLOSE}\r\n`,
    status: / 200 /,
  },
  {
    name: "asterisk form for OPTIONS",
    request: `OPTIONS * HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`,
    status: / 204 /,
  },
  {
    name: "a relative target",
    request: `GET headers HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`,
    status: / 400 /,
  },
  {
    name: "an authority-form target outside CONNECT",
    request: `GET app.local:8080 HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`,
    status: / 400 /,
  },
]);

describeClass("methods and upgrades the app does not speak", [
  {
    // The request that ends a process running http-proxy 1.18.1 on Node 24 (README: why http-proxy-3).
    name: "a GET that announces trailers",
    request: `GET /headers HTTP/1.1\r\nHost: app.local\r\nTrailer: X-Checksum\r\n${CLOSE}\r\n`,
    status: / 200 /,
  },
  {
    name: "CONNECT",
    request: "CONNECT app.local:443 HTTP/1.1\r\nHost: app.local:443\r\n\r\n",
    status: / 405 /,
  },
  { name: "TRACE", request: `TRACE /headers HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`, status: / 405 / },
  { name: "PROPFIND", request: `PROPFIND / HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`, status: / 405 / },
  { name: "DELETE", request: `DELETE /headers HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`, status: / 405 / },
  {
    name: "a WebSocket upgrade, answered as a plain request",
    request: "GET /headers HTTP/1.1\r\nHost: app.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    status: / 200 /,
  },
]);

describeClass(
  "the same classes sent straight to the app",
  [
    { name: "garbage", request: "GARBAGE\r\n\r\n", status: / 400 / },
    { name: "CONNECT", request: "CONNECT x:1 HTTP/1.1\r\nHost: x:1\r\n\r\n", status: / 405 / },
    {
      name: "two Host headers",
      request: `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n${CLOSE}\r\n`,
      status: / 400 /,
    },
    {
      name: "HTTP/2.0 spoken as HTTP/1",
      request: `GET / HTTP/2.0\r\nHost: a\r\n${CLOSE}\r\n`,
      status: / 505 /,
    },
    {
      name: "smuggling framing",
      request:
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      status: / 400 /,
    },
    {
      name: "a 20 kB header",
      request: `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      status: / 431 /,
    },
  ],
  () => info.appPort,
);

describe("hop-by-hop headers", () => {
  it("drops the headers a client names in Connection, but never the proxy's own forwarding headers", async () => {
    const answer = await rawRequest(
      info.proxyPort,
      "GET /headers HTTP/1.1\r\nHost: app.local:8080\r\nConnection: close, X-Secret, X-Forwarded-For\r\n" +
        "X-Secret: do-not-pass\r\nKeep-Alive: timeout=1000\r\nTE: trailers\r\nUpgrade: h2c\r\n" +
        "Proxy-Authorization: Basic c2VjcmV0\r\n\r\n",
    );
    expect(statusLine(answer)).toMatch(/ 200 /);
    const seen = Object.keys(JSON.parse(bodyOf(answer).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ""))).map(
      (name) => name.toLowerCase(),
    );
    for (const name of ["x-secret", "keep-alive", "te", "upgrade", "proxy-authorization"]) {
      expect(seen).not.toContain(name);
    }
    expect(seen).toContain("x-forwarded-for");
    await stillServing();
  });
});

describe("bodies far larger than any endpoint needs", () => {
  it("answers a declared 100 MB body with 413 at the proxy, without reading it", async () => {
    const answer = await rawRequest(
      info.proxyPort,
      "POST /headers HTTP/1.1\r\nHost: app.local\r\nContent-Length: 104857600\r\n\r\nstart of a body",
    );
    expect(statusLine(answer)).toMatch(/ 413 /);
    expect(bodyOf(answer)).toContain("bodies of up to 1048576 bytes");
    await stillServing();
  });

  it("answers a 5 MB POST with a 413 that the client reads every time, twenty times in a row", async () => {
    // The proxy answers before the body has arrived. Closing at once would reset the connection while
    // the client still sends, and the reset can wipe the 413 out (RFC 9112 §9.6); the proxy lingers.
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await postBody(info.proxyPort, "app.local", 5 * 1024 * 1024));
    expect(answers.filter((answer) => !("status" in answer) || answer.status !== 413)).toEqual([]);
    await stillServing();
  });

  it("answers a large chunked body at the app and closes the connection instead of reading on", async () => {
    const chunk = "x".repeat(65_536);
    const chunks = Array.from({ length: 32 }, () => `10000\r\n${chunk}\r\n`).join("");
    const answer = await rawRequest(
      info.appPort,
      `POST /headers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
    );
    expect(statusLine(answer)).toMatch(/ 405 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    await stillServing();
  });
});

describe("slow clients", () => {
  it("gets 408 and a closed connection when the headers never finish, while others are served", async () => {
    const started = performance.now();
    const slow = rawRequest(info.proxyPort, "GET /headers HTTP/1.1\r\nHost: app.local\r\nX-Slow: ", 15_000);
    await stillServing();
    const answer = await slow;
    expect(statusLine(answer)).toMatch(/ 408 /);
    expect(performance.now() - started).toBeLessThan(10_000); // HTTP_HEADERS_TIMEOUT_MS is 2 s in the tests
  });
});

describe("path traversal", () => {
  it.each([
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/console.js/..%2f..%2fsrc%2fapp.ts",
    "/%2e%2e/package.json",
    "/..\\..\\package.json",
    "/.%00./package.json",
    "/%c0%ae%c0%ae/package.json",
  ])("%s gets nothing outside the public folder", async (path) => {
    for (const port of [info.appPort, info.proxyPort]) {
      const answer = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: app.local\r\n${CLOSE}\r\n`);
      expect(statusLine(answer)).toMatch(/ (400|403|404) /);
      expect(answer).not.toMatch(/root:|"dependencies"|createApp/);
    }
    await stillServing();
  });
});

describe("clients that go away", () => {
  async function disconnectMidway(port: number, request: string, waitForData: boolean): Promise<void> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(port, "127.0.0.1", resolve);
    });
    socket.write(request);
    if (waitForData) await new Promise((resolve) => socket.once("data", resolve));
    socket.destroy();
  }

  function settle(service: string, atMost: number): Promise<number> {
    return retryUntil(
      () => establishedConnections(info, service),
      (count) => count <= atMost,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  }

  it("leaves no socket open after 50 clients hang up mid-request and 50 mid-response", async () => {
    const before = { proxy: await settle("proxy", 2), app: await settle("app", 2) };
    const bigHeaders = Array.from({ length: 40 }, (_, i) => `X-Fill-${i}: ${"f".repeat(200)}\r\n`).join("");
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        disconnectMidway(
          i % 2 ? info.proxyPort : info.appPort,
          "POST /headers HTTP/1.1\r\nHost: app.local\r\nContent-Length: 1000\r\n\r\npartial",
          false,
        ),
      ),
    );
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        disconnectMidway(
          i % 2 ? info.proxyPort : info.appPort,
          `GET /headers HTTP/1.1\r\nHost: app.local\r\n${bigHeaders}\r\n`,
          true,
        ),
      ),
    );
    // Idle keep-alive connections between proxy and app close after the app's 5 s keep-alive timeout.
    expect(await settle("proxy", before.proxy + 2)).toBeLessThanOrEqual(before.proxy + 2);
    expect(await settle("app", before.app + 2)).toBeLessThanOrEqual(before.app + 2);
    await stillServing();
  });
});

afterAll(async () => {
  // Nothing above may have crashed a service: Docker would have restarted it.
  for (const service of ["app", "proxy"]) {
    expect((await inspect(info, service)).RestartCount, `${service} restarted`).toBe(0);
  }
});
