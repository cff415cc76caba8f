// The specimens (issue #20): fixed answers, one CORS rule each, whatever the policy says; what the
// guide's claims are measured against.
import { describe, expect, it } from "vitest";
import { SPECIMEN_NAMES } from "../../../services/app/src/specimens.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

describe("a specimen", () => {
  it("answers GET with its headers, the request's Origin where it stands for it, and the request as JSON", async () => {
    await using app = await startApp();
    const answer = await http(app.port, "/specimen/cached-preflight", {
      headers: { origin: "http://a.example" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      "access-control-allow-origin": "http://a.example",
      "access-control-max-age": "600",
      vary: "Origin",
    });
    expect(JSON.parse(answer.body)).toMatchObject({ origin: "http://a.example" });
  });

  it("answers a preflight with its own status: 401 and 307 where it shows a preflight that fails", async () => {
    await using app = await startApp();
    const ask = (name: string) =>
      http(app.port, `/specimen/${name}`, {
        method: "OPTIONS",
        headers: { origin: "http://a.example", "access-control-request-method": "PUT" },
      });
    expect((await ask("cached-preflight")).status).toBe(204);
    expect((await ask("preflight-unauthorized")).status).toBe(401);
    const redirected = await ask("preflight-redirected");
    expect(redirected.status).toBe(307);
    expect(redirected.headers.location).toBe("/specimen/cached-preflight");
  });

  it("is the same whatever the policy: Allow-Headers * stays *", async () => {
    await using app = await startApp();
    const answer = await http(app.port, "/specimen/wildcard-headers", { method: "PUT", body: "{}" });
    expect(answer.headers["access-control-allow-headers"]).toBe("*");
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
  });

  it("names the specimens there are for one that is not, and refuses other methods", async () => {
    await using app = await startApp();
    const missing = await http(app.port, "/specimen/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toBe(`No specimen nope. The lab has ${SPECIMEN_NAMES.join(", ")}.\n`);
    expect((await http(app.port, "/specimen/nope", { method: "OPTIONS" })).status).toBe(404);
    expect((await http(app.port, "/specimen/wildcard-headers", { method: "DELETE" })).status).toBe(405);
  });
});
