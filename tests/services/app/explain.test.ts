// The app explains a console request from its own record of it, with the lab's table of CORS rules.
import { describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const PAGE = "http://api.local:8080";

async function explained(port: number, mark: string, query = "") {
  const answer = await http(port, `/explain.json?console=${mark}${query}`);
  return { status: answer.status, body: answer.status === 200 ? JSON.parse(answer.body) : answer.body };
}

describe("/explain.json", () => {
  it("names the rule a simple request's answer failed, for the page that sent it", async () => {
    await using app = await startApp({ CORS_ALLOW_ORIGINS: "http://app.local:8080" });
    await http(app.port, "/headers?console=abc.1", { headers: { origin: PAGE } });
    const { body } = await explained(app.port, "abc.1", "&target=http://localhost:3000");
    expect(body).toEqual({
      reached: true,
      rule: "MissingAllowOriginHeader",
      status: 200,
      explanation: `http://localhost:3000 answered without Access-Control-Allow-Origin, so a page from ${PAGE} may not read it.`,
    });
  });

  it("judges a preflighted request from both its preflight and its answer", async () => {
    await using app = await startApp({ CORS_ALLOW_ORIGINS: PAGE, CORS_ALLOW_METHODS: "GET,PUT" });
    await http(app.port, "/headers?console=abc.2", {
      method: "OPTIONS",
      headers: {
        origin: PAGE,
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type,x-lab-token",
      },
    });
    const { body } = await explained(app.port, "abc.2", "&target=http://localhost:3000");
    expect(body).toMatchObject({ reached: true, rule: "HeaderDisallowedByPreflightResponse" });
    expect(body.explanation).toBe(
      "The preflight to http://localhost:3000 was answered, but Access-Control-Allow-Headers does not list content-type, x-lab-token.",
    );
  });

  it("takes the page's credentials mode into account", async () => {
    await using app = await startApp({ CORS_ALLOW_ORIGINS: PAGE });
    await http(app.port, "/headers?console=abc.3", { headers: { origin: PAGE } });
    expect((await explained(app.port, "abc.3")).body.rule).toBeNull();
    expect((await explained(app.port, "abc.3", "&credentials=include")).body.rule).toBe(
      "InvalidAllowCredentials",
    );
  });

  it("says when a request never reached the app, and refuses a mark that is not the console's", async () => {
    await using app = await startApp();
    expect((await explained(app.port, "never.1")).body).toEqual({ reached: false });
    expect((await explained(app.port, "<script>")).status).toBe(400);
  });

  it("cannot explain anything with the request log off, and says so", async () => {
    await using app = await startApp({ REQUEST_LOG_SIZE: "0" });
    expect((await explained(app.port, "abc.4")).status).toBe(503);
  });
});
