// The "Check your own API" page (issue #25): a form that hands --api to the warm grader, from the
// page's own origin only, and says what to do when no grader runs.
import { describe, expect, it } from "vitest";
import { argvOf } from "../../../services/app/src/own-api.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const FORM =
  "api=http%3A%2F%2Flocalhost%3A5000%2Fitems&from=http%3A%2F%2Flocalhost%3A5173&kinds=simple&kinds=preflight&method=PATCH&headers=Content-Type%3A+application%2Fjson%0D%0AX-Token%3A+t";

describe("the own-API page", () => {
  it("offers the form, and the command line it stands for", async () => {
    await using app = await startApp({ GRADER_SERVICE_PORT: "0" }, { sandbox: false });
    const page = await http(app.port, "/lab/own-api", { host: "localhost:3000" });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form method="post" action="/lab/own-api#result"');
    expect(page.body).toContain(
      "npm run grade -- --api http://localhost:5000/api/items --from http://localhost:5173 --kinds simple",
    );
  });

  it("says how to start the grader when none runs, keeping what was asked", async () => {
    await using app = await startApp({ GRADER_SERVICE_PORT: "0" }, { sandbox: false });
    const answer = await http(app.port, "/lab/own-api", {
      method: "POST",
      host: "localhost:3000",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:3000" },
      body: FORM,
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toContain("the grader is not running");
    expect(answer.body).toContain('value="http://localhost:5000/items"');
    expect(answer.body).toContain(
      "npm run grade -- --api http://localhost:5000/items --from http://localhost:5173 --kinds simple,preflight --method PATCH --header &#39;Content-Type: application/json&#39; --header &#39;X-Token: t&#39;",
    );
  });

  it("refuses a check asked from another origin", async () => {
    await using app = await startApp({ GRADER_SERVICE_PORT: "0" }, { sandbox: false });
    const answer = await http(app.port, "/lab/own-api", {
      method: "POST",
      host: "localhost:3000",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://attacker.localhost:8080",
      },
      body: FORM,
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("this request came from http://attacker.localhost:8080");
  });

  it("turns the form into the grader's arguments, headers only for the preflighted request", () => {
    expect(
      argvOf({
        api: " http://x.test/a ",
        from: "",
        kinds: ["credentialed"],
        method: "PUT",
        headers: "X-A: 1",
      }),
    ).toEqual(["--api", "http://x.test/a", "--kinds", "credentialed"]);
    expect(
      argvOf({ api: "http://x.test/a", from: "http://localhost:5173", kinds: [], method: "", headers: "" }),
    ).toEqual(["--api", "http://x.test/a", "--from", "http://localhost:5173", "--kinds", "simple"]);
  });
});
