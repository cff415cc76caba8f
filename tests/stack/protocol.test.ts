// The stack at the HTTP level, from the host, as a student's tools (curl, a script) would see it.
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { retryUntil } from "../../services/shared/src/retry.ts";
import { compose } from "../support/docker.ts";
import { up } from "../support/grading.ts";
import { corsHeaders, http, rawRequest } from "../support/http.ts";
import { labOrigins, stack } from "../support/stack.ts";

const info = stack();
const LAB_ORIGINS = labOrigins(info);

function headersSeenByApp(body: string): Record<string, string> {
  const raw = JSON.parse(body) as Record<string, string | string[]>;
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

describe("routing by Host through the proxy", () => {
  it.each([
    ["app.local:8080", "app.local:8080"],
    ["api.local:8080", "api.local:8080"],
    ["APP.LOCAL:8080", "APP.LOCAL:8080"],
    ["Api.Local", "Api.Local"],
    ["app.local:1234", "app.local:1234"],
  ])("Host %s reaches the app, which sees Host %s", async (host, seen) => {
    const answer = await http(info.proxyPort, "/headers", { host });
    expect(answer.status).toBe(200);
    expect(headersSeenByApp(answer.body).host).toBe(seen);
  });

  it("serves the app's page under the proxy's name, so the page knows its own origin", async () => {
    const answer = await http(info.proxyPort, "/", { host: "api.local:8080" });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<code id="served-from">http://api.local:8080</code>');
  });

  it("adds X-Forwarded-For/-Host/-Proto/-Port and drops the ones a client made up", async () => {
    const answer = await http(info.proxyPort, "/headers", {
      host: "app.local:8080",
      headers: { "x-forwarded-for": "203.0.113.9", "x-forwarded-host": "evil.example" },
    });
    const seen = headersSeenByApp(answer.body);
    expect(isIP(seen["x-forwarded-for"] ?? "")).not.toBe(0);
    expect(seen["x-forwarded-for"]).not.toContain("203.0.113.9");
    expect(seen["x-forwarded-host"]).toBe("app.local:8080");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-forwarded-port"]).toBe("8080");
  });

  it.each(["attacker.localhost", "app.local.attacker.localhost"])(
    "routes step 10's attacker name %s to the app, whose page says it is not a lab origin",
    async (name) => {
      const page = await http(info.proxyPort, "/", { host: `${name}:8080` });
      expect(page.status).toBe(200);
      expect(page.body).toContain(`<code id="served-from">http://${name}:8080</code> is not one of the lab`);
    },
  );

  it("answers an unknown host with 421 and the hosts it serves", async () => {
    const answer = await http(info.proxyPort, "/headers", { host: "other.local:8080" });
    expect(answer.status).toBe(421);
    expect(answer.headers["content-type"]).toMatch(/^text\/plain/);
    expect(answer.body).toContain('does not serve "other.local"');
    expect(answer.body).toContain("app.local, api.local");
  });

  it("answers a request with no Host header with 400 and the hosts it serves", async () => {
    const answer = await rawRequest(info.proxyPort, "GET /headers HTTP/1.0\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain("app.local, api.local");
  });

  it("answers an HTTP/1.1 request with no Host header with 400 too", async () => {
    const answer = await rawRequest(info.proxyPort, "GET /headers HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe("no CORS policy by default", () => {
  const entrances = [
    ["the app directly", () => info.appPort, "localhost:3000"],
    ["the proxy", () => info.proxyPort, "api.local:8080"],
  ] as const;

  describe.each(entrances)("through %s", (_name, port, host) => {
    it.each(LAB_ORIGINS)("sends no Access-Control-* header on /headers for Origin %s", async (origin) => {
      const answer = await http(port(), "/headers", { host, headers: { origin } });
      expect(answer.status).toBe(200);
      expect(headersSeenByApp(answer.body).origin).toBe(origin);
      expect(corsHeaders(answer.headers)).toEqual([]);
    });

    it.each(LAB_ORIGINS)("sends no CORS header on a preflight from Origin %s", async (origin) => {
      const answer = await http(port(), "/headers", {
        host,
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type, x-lab",
        },
      });
      expect(answer.status).toBeLessThan(300);
      expect(corsHeaders(answer.headers)).toEqual([]);
    });
  });
});

describe("the app", () => {
  it("returns request headers as it received them, names in their original case", async () => {
    const answer = await http(info.appPort, "/headers", {
      host: "localhost:3000",
      headers: { "X-Lab-Probe": "1" },
    });
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ host: "localhost:3000", "X-Lab-Probe": "1" });
  });

  it("escapes whatever the Host header carries on its page", async () => {
    const answer = await http(info.appPort, "/", { host: "<img src=x onerror=alert(1)>" });
    expect(answer.body).not.toContain("<img src=x");
    expect(answer.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("reports healthy, and so does the proxy", async () => {
    expect((await http(info.appPort, "/healthz")).status).toBe(200);
    expect((await http(info.proxyPort, "/healthz", { host: "localhost" })).status).toBe(200);
  });
});

// Last: it stops the app on purpose.
describe("when the app is down", () => {
  it("the proxy answers 502 with a plain message, and recovers once the app is back", async () => {
    const stopped = await compose(info, ["stop", "app"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    try {
      const answer = await http(info.proxyPort, "/headers", { host: "app.local:8080" });
      expect(answer.status).toBe(502);
      expect(answer.headers["content-type"]).toMatch(/^text\/plain/);
      expect(answer.body).toMatch(/^Bad gateway: the app behind app\.local cannot be reached/);
    } finally {
      await up(info, ["app"]);
    }
    const answer = await retryUntil(
      () => http(info.proxyPort, "/headers", { host: "app.local:8080" }),
      ({ status }) => status === 200,
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect(answer.status).toBe(200);
  });
});
