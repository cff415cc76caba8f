import { describe, expect, it } from "vitest";
import { type LoggedRequest, RequestLog } from "../../../services/app/src/request-log.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const entry = (path: string): LoggedRequest => ({
  at: "2026-01-01T00:00:00.000Z",
  method: "GET",
  path,
  host: "localhost:3000",
  origin: undefined,
  accessControlRequestMethod: undefined,
  accessControlRequestHeaders: undefined,
  preflight: false,
  status: 200,
  corsHeaders: {},
  received: [],
  answered: [],
});

describe("RequestLog", () => {
  it("keeps the newest entries up to its capacity, newest first", () => {
    const log = new RequestLog(3);
    for (const path of ["/1", "/2", "/3", "/4", "/5"]) log.add(entry(path));
    expect(log.entries().map((e) => e.path)).toEqual(["/5", "/4", "/3"]);
    log.clear();
    expect(log.entries()).toEqual([]);
  });

  it("keeps nothing with capacity 0", () => {
    const log = new RequestLog(0);
    log.add(entry("/1"));
    expect(log.entries()).toEqual([]);
  });
});

async function logged(port: number): Promise<LoggedRequest[]> {
  return JSON.parse((await http(port, "/requests.json")).body).entries;
}

describe("the request log endpoints", () => {
  it("records a cross-origin request and a preflight, with what the app answered", async () => {
    await using app = await startApp({
      CORS_ALLOW_ORIGINS: "http://app.local:8080",
      CORS_ALLOW_METHODS: "GET,PUT",
    });
    await http(app.port, "/headers", {
      host: "localhost:3000",
      headers: { origin: "http://api.local:8080" },
    });
    await http(app.port, "/headers", {
      method: "OPTIONS",
      host: "localhost:3000",
      headers: {
        origin: "http://app.local:8080",
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type",
      },
    });
    await http(app.port, "/healthz");
    const [preflight, simple, ...rest] = await logged(app.port);
    expect(rest).toEqual([]); // /healthz and the log itself are not recorded
    expect(preflight).toMatchObject({
      method: "OPTIONS",
      preflight: true,
      origin: "http://app.local:8080",
      accessControlRequestMethod: "PUT",
      accessControlRequestHeaders: "content-type",
      status: 204,
      corsHeaders: {
        "access-control-allow-origin": "http://app.local:8080",
        "access-control-allow-methods": "GET,PUT",
      },
    });
    expect(simple).toMatchObject({
      method: "GET",
      path: "/headers",
      origin: "http://api.local:8080",
      status: 200,
    });
    expect(simple?.corsHeaders["access-control-allow-origin"]).toBeUndefined();
  });

  it("is bounded by REQUEST_LOG_SIZE, and DELETE clears it", async () => {
    await using app = await startApp({ REQUEST_LOG_SIZE: "5" });
    for (let i = 0; i < 12; i++) await http(app.port, `/headers?n=${i}`);
    expect((await logged(app.port)).map((e) => e.path)).toEqual(
      [11, 10, 9, 8, 7].map((n) => `/headers?n=${n}`),
    );
    expect((await http(app.port, "/requests.json", { method: "DELETE" })).status).toBe(204);
    expect(await logged(app.port)).toEqual([]);
  });

  it("shows hostile values on /requests as text", async () => {
    await using app = await startApp();
    await http(app.port, "/headers", { headers: { origin: "<script>alert(1)</script>" } });
    const page = await http(app.port, "/requests");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).not.toContain("<script>alert(1)");
    expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});
