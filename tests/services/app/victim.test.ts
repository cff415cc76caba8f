// The victim of step 10: one button signs in, a session cookie remembers it, /me answers the secret
// only with that cookie, and signing out forgets it.
import { describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const cookieOf = (setCookie: string | string[] | undefined) =>
  String([setCookie].flat()[0] ?? "").split(";")[0] ?? "";

describe("the signed-in victim", () => {
  it("signs in with one POST, and /me answers the secret only to a request with the session", async () => {
    await using app = await startApp();
    expect((await http(app.port, "/me")).status).toBe(401);
    const signedIn = await http(app.port, "/sign-in", { method: "POST" });
    expect(signedIn.status).toBe(303);
    // Back to the page, which then says whether the browser kept the cookie (issue #20).
    expect(signedIn.headers.location).toBe("/?signed-in");
    const setCookie = String([signedIn.headers["set-cookie"]].flat()[0]);
    expect(setCookie).toMatch(/^lab_session=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = cookieOf(signedIn.headers["set-cookie"]);
    const me = await http(app.port, "/me", { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({
      signedIn: true,
      name: "Ada Lovelace (the victim)",
      secret: expect.stringMatching(/^secret-[0-9a-f]{16}$/),
    });
    expect((await http(app.port, "/me", { headers: { cookie: "lab_session=guessed" } })).status).toBe(401);
  });

  it("gives every session a secret of its own, and forgets it on sign-out", async () => {
    await using app = await startApp();
    const one = cookieOf((await http(app.port, "/sign-in", { method: "POST" })).headers["set-cookie"]);
    const two = cookieOf((await http(app.port, "/sign-in", { method: "POST" })).headers["set-cookie"]);
    const secret = async (cookie: string) =>
      JSON.parse((await http(app.port, "/me", { headers: { cookie } })).body).secret;
    expect(await secret(one)).not.toBe(await secret(two));
    const out = await http(app.port, "/sign-out", { method: "POST", headers: { cookie: one } });
    expect(String(out.headers["set-cookie"])).toContain(
      "lab_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
    );
    expect((await http(app.port, "/me", { headers: { cookie: one } })).status).toBe(401);
    expect((await http(app.port, "/me", { headers: { cookie: two } })).status).toBe(200);
  });

  it("shows on the page whether this browser is signed in, and offers the one button", async () => {
    await using app = await startApp();
    const out = await http(app.port, "/", { host: "app.local:8080" });
    expect(out.body).toContain('<form method="post" action="/sign-in"');
    const cookie = cookieOf((await http(app.port, "/sign-in", { method: "POST" })).headers["set-cookie"]);
    const signedIn = await http(app.port, "/", { host: "app.local:8080", headers: { cookie } });
    expect(signedIn.body).toContain(
      '<p id="signed-in">This browser is signed in as the victim on <code>http://app.local:8080</code>',
    );
    expect(signedIn.body).toContain('<form method="post" action="/sign-out"');
  });

  it("answers /me under the CORS policy, like /headers", async () => {
    await using app = await startApp({
      CORS_ALLOW_ORIGINS: "http://app.local:8080",
      CORS_ALLOW_CREDENTIALS: "true",
    });
    const answer = await http(app.port, "/me", { headers: { origin: "http://app.local:8080" } });
    expect(answer.headers["access-control-allow-origin"]).toBe("http://app.local:8080");
    expect(answer.headers["access-control-allow-credentials"]).toBe("true");
  });

  it("gives the localhost origin a cross-site session, SameSite=None; Secure, and every other name Lax", async () => {
    // Behind the proxy the Host is a lab name; the app's port itself is the localhost role here.
    await using app = await startApp();
    const cookieAt = async (host: string) =>
      String(
        [
          (await http(app.port, "/sign-in", { method: "POST", headers: { host } })).headers["set-cookie"],
        ].flat()[0],
      );
    expect(await cookieAt("localhost:3000")).toMatch(/; Path=\/; HttpOnly; SameSite=None; Secure$/);
    expect(await cookieAt("127.0.0.1:3000")).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(await cookieAt("app.local:8080")).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    const out = await http(app.port, "/sign-out", { method: "POST", headers: { host: "localhost:3000" } });
    expect(String(out.headers["set-cookie"])).toContain("SameSite=None; Secure; Max-Age=0");
  });

  it("says so on the page when the browser came back from signing in without the cookie", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/?signed-in", { headers: { host: "localhost:3000" } });
    expect(page.body).toContain('id="sign-in-refused"');
    expect(page.body).toContain("SameSite=None; Secure");
    const plain = await http(app.port, "/", { headers: { host: "localhost:3000" } });
    expect(plain.body).not.toContain('id="sign-in-refused"');
    expect(plain.body).toContain('id="signed-out"');
  });
});
