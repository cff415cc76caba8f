// The Check button's endpoint in-process (issue #11): who may ask, and what the page says when no
// warm grader answers. The grader itself answering is tests/stack/check.test.ts.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("POST /lab/:step/check", () => {
  it.each([
    [{ "sec-fetch-site": "cross-site", origin: "http://attacker.localhost:8080" }, "another site"],
    [
      { "sec-fetch-site": "same-site", origin: "http://evil.app.local:8080" },
      "another origin of the same site",
    ],
    [{ origin: "http://api.local:8080" }, "this request came from http://api.local:8080"],
    [{ origin: "null" }, "this request came from null"],
  ])("refuses a check from another origin (%o) and names step 10", async (headers, why) => {
    await using app = await startApp({ GRADER_SERVICE_PORT: String(await closedPort()) });
    const answer = await http(app.port, "/lab/3/check", { method: "POST", headers, host: "localhost:3000" });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain(why);
    expect(answer.body).toContain("step 10 of the guide");
  });

  it.each([
    [{ "sec-fetch-site": "same-origin", origin: "http://localhost:3000" }],
    [{}], // curl: no browser page is behind it
  ])(
    "takes a check from the page's own origin (%o); with no grader, says how to start one",
    async (headers) => {
      await using app = await startApp({ GRADER_SERVICE_PORT: String(await closedPort()) });
      const answer = await http(app.port, "/lab/3/check", {
        method: "POST",
        headers,
        host: "localhost:3000",
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toContain('data-state="absent"');
      expect(answer.body).toContain("<code>docker compose --profile check up -d</code>");
      expect(answer.body).toContain("npm run grade -- --step 3");
      // Still the step's page, readable without the grader.
      expect(answer.body).toContain('<article class="guide">');
    },
  );

  it("answers 404 for a step the guide does not have, 405 for a GET", async () => {
    await using app = await startApp();
    expect((await http(app.port, "/lab/42/check", { method: "POST" })).status).toBe(404);
    const get = await http(app.port, "/lab/3/check");
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
  });

  it("puts the button on every step's page, posting to the step's own check", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/lab/7");
    expect(page.body).toContain('<form method="post" action="/lab/7/check#check">');
    expect(page.body).not.toContain("<!-- check -->");
  });
});
