import { describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { corsHeaders, http } from "../../support/http.ts";

describe("the app", () => {
  it("returns the headers it received as JSON, original names and repeats kept", async () => {
    await using app = await startApp();
    const answer = await http(app.port, "/headers", { host: "localhost:3000", headers: { "X-Lab": "one" } });
    expect(answer.status).toBe(200);
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(answer.body)).toMatchObject({ host: "localhost:3000", "X-Lab": "one" });
  });

  it("shows on its page the origin it was served from, and offers the lab origins as targets", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/", { host: "127.0.0.1:3000" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toContain('<code id="served-from">http://127.0.0.1:3000</code>');
    for (const origin of ["http://localhost:3000", "http://app.local:8080", "http://api.local:8080"]) {
      expect(page.body).toContain(`<option value="${origin}">`);
    }
    expect(page.body).toContain("http://127.0.0.1:3000 (this page&#39;s origin)");
  });

  it("says so on its page when served under a name that is not a lab origin", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/", { host: "attacker.localhost:8080" });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<code id="served-from">http://attacker.localhost:8080</code> is not one of');
    const lab = await http(app.port, "/", { host: "app.local:8080" });
    expect(lab.body).not.toContain("is not one of the lab");
  });

  it("serves the console sandboxed at /sandboxed, where the page's origin is null", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/sandboxed", { host: "localhost:3000" });
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toMatch(/; sandbox allow-scripts allow-forms$/);
    expect(page.body).toContain('its origin is <code id="served-from">null</code>');
    // No target is this page's own origin, and the script loads without CORS (not a module script).
    expect(page.body).not.toContain("this page&#39;s origin");
    expect(page.body).toContain('<option value="http://localhost:3000">');
    expect(page.body).toContain('<script src="/console.js" defer></script>');
  });

  it("escapes a hostile Host header on its page", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/", { host: `"><script>alert(1)</script>` });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("<script>alert(1)");
    expect(page.body).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("serves the request console's script", async () => {
    await using app = await startApp();
    const script = await http(app.port, "/console.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toMatch(/javascript/);
  });

  it("answers 404 for an unknown path and 405 for a method a path does not take", async () => {
    await using app = await startApp();
    const missing = await http(app.port, "/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toBe(
      "Not found: /nope. This lab app serves /, /sandboxed, /headers, /me, /sign-in, /sign-out, /healthz, /explain.json, /policy.json, /requests, /requests.json, /lab, /lab/own-api, /vendor/mermaid.js.\n",
    );
    const wrong = await http(app.port, "/headers", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("GET, HEAD, PUT");
  });

  it("logs one line per request with method, host, origin, path and status", async () => {
    await using app = await startApp();
    const { log } = app;
    await http(app.port, "/headers", {
      host: "app.local:8080",
      headers: { origin: "http://api.local:8080" },
    });
    expect(log.lines).toContainEqual({
      level: "info",
      message: "GET",
      fields: expect.objectContaining({
        host: "app.local:8080",
        origin: "http://api.local:8080",
        path: "/headers",
        status: 200,
      }),
    });
  });

  it("answers a PUT with a JSON body with what arrived, and a bad body with a plain 4xx", async () => {
    await using app = await startApp();
    const put = await http(app.port, "/headers", {
      method: "PUT",
      headers: { "content-type": "application/json", "x-lab-token": "t" },
      body: JSON.stringify({ hello: "lab" }),
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(put.body)).toMatchObject({ headers: { "x-lab-token": "t" }, body: { hello: "lab" } });
    const broken = await http(app.port, "/headers", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(broken.status).toBe(400);
    expect(broken.headers["content-type"]).toMatch(/^text\/plain/);
    expect(broken.body).not.toMatch(/\n\s+at /);
    const huge = await http(app.port, "/headers", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ filler: "x".repeat(20_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it("sends no CORS header, even on a preflight, while the policy is off", async () => {
    await using app = await startApp();
    const simple = await http(app.port, "/headers", { headers: { origin: "http://app.local:8080" } });
    const preflight = await http(app.port, "/headers", {
      method: "OPTIONS",
      headers: { origin: "http://app.local:8080", "access-control-request-method": "PUT" },
    });
    expect(corsHeaders(simple.headers)).toEqual([]);
    expect(preflight.status).toBe(204);
    expect(corsHeaders(preflight.headers)).toEqual([]);
  });

  it("once a policy is set, allows exactly the listed origin, with Vary: Origin", async () => {
    await using app = await startApp({ CORS_ALLOW_ORIGINS: "http://app.local:8080" });
    const listed = await http(app.port, "/headers", { headers: { origin: "http://app.local:8080" } });
    expect(listed.headers["access-control-allow-origin"]).toBe("http://app.local:8080");
    expect(listed.headers.vary).toMatch(/Origin/);
    const other = await http(app.port, "/headers", { headers: { origin: "http://api.local:8080" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
