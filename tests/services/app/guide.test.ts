import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

describe("the guide at /lab", () => {
  it("lists every step of lab/manifest.json with its sentence", async () => {
    await using app = await startApp();
    const index = await http(app.port, "/lab");
    expect(index.status).toBe(200);
    expect(index.body).toContain('<a href="/lab/1">Start the lab</a>');
    expect(index.body).toContain('<a href="/lab/3">A cross-origin request</a>');
    expect(index.body).toContain(
      "Pages from localhost:3000 and 127.0.0.1:3000 cannot read each other&#39;s responses.",
    );
  });

  it("renders a step's Markdown, with navigation to its neighbours", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/lab/2");
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("<h1>Step 2 — The basic server and <code>/headers</code></h1>");
    expect(page.body).toContain("<table>");
    expect(page.body).toContain('<a href="/lab/1">← Step 1</a>');
    expect(page.body).toContain('<a href="/lab/3">Step 3 →</a>');
  });

  it("turns links between step folders into links between guide pages", async () => {
    await using app = await startApp();
    const dir = await mkdtemp(join(tmpdir(), "cors-lab-guide-"));
    try {
      await import("node:fs/promises").then(async (fs) => {
        await fs.mkdir(join(dir, "01-one"));
        await fs.mkdir(join(dir, "02-two"));
      });
      await writeFile(
        join(dir, "manifest.json"),
        JSON.stringify({
          steps: [
            { number: 1, folder: "01-one", title: "One", sentence: "One works." },
            { number: 2, folder: "02-two", title: "Two", sentence: "Two works." },
          ],
        }),
      );
      await writeFile(
        join(dir, "01-one", "README.md"),
        "# One\n\nOn to [two](../02-two/README.md#start), or [away](https://example.org/), or [up](#one).\n" +
          "The answer is in [`solution/cors-policy.ts`](solution/cors-policy.ts), the policy in [it](../../services/app/policy/cors-policy.ts).\n",
      );
      await writeFile(join(dir, "02-two", "README.md"), "# Two\n");
      await using custom = await startApp({ LAB_DIR: dir });
      const page = await http(custom.port, "/lab/1");
      expect(page.body).toContain('<a href="/lab/2#start">two</a>');
      expect(page.body).toContain('<a href="https://example.org/">away</a>');
      expect(page.body).toContain('<a href="#one">up</a>');
      // A step's own files have no page: the guide names them by their path in the repository.
      expect(page.body).toContain("The answer is in <code>lab/01-one/solution/cors-policy.ts</code>");
      expect(page.body).toContain("the policy in <code>services/app/policy/cors-policy.ts</code>");
    } finally {
      await rm(dir, { recursive: true });
    }
    expect((await http(app.port, "/lab/1")).status).toBe(200);
  });

  it("answers an unknown step with 404 and where to look, and other methods with 405", async () => {
    await using app = await startApp();
    const missing = await http(app.port, "/lab/42");
    expect(missing.status).toBe(404);
    expect(missing.body).toBe("There is no step 42. The guide has steps 1 to 11: see /lab\n");
    expect((await http(app.port, "/lab/one")).status).toBe(404);
    expect((await http(app.port, "/lab/1", { method: "POST" })).status).toBe(405);
  });

  it("explains a broken manifest with a 500 naming the problem, and keeps the rest of the app up", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cors-lab-guide-"));
    try {
      await writeFile(join(dir, "manifest.json"), '{"steps": [{"number": 2}]}');
      await using app = await startApp({ LAB_DIR: dir });
      const { log } = app;
      const broken = await http(app.port, "/lab");
      expect(broken.status).toBe(500);
      expect(broken.body).toBe(
        `The guide cannot be loaded: ${join(dir, "manifest.json")}: steps[0].number must be 1 (steps are numbered in order), not 2\n`,
      );
      expect(
        log.lines.some((line) => line.level === "error" && line.message === "the guide cannot be loaded"),
      ).toBe(true);
      expect((await http(app.port, "/headers")).status).toBe(200);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("serves a step's pictures, and nothing else from its folder", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/lab/3");
    expect(page.body).toContain('<img src="/lab/files/03-cross-origin-request/console-blocked.png"');
    const picture = await http(app.port, "/lab/files/03-cross-origin-request/console-blocked.png");
    expect(picture.status).toBe(200);
    expect(picture.headers["content-type"]).toBe("image/png");
    for (const path of [
      "/lab/files/03-cross-origin-request/expected.json",
      "/lab/files/03-cross-origin-request/..%2fmanifest.json",
      "/lab/files/no-such-step/console-blocked.png",
      "/lab/files/03-cross-origin-request/missing.png",
    ]) {
      expect((await http(app.port, path)).status, path).toBe(404);
    }
  });

  it("draws its diagrams with the Mermaid the app serves, under a policy that lets the diagram style itself", async () => {
    await using app = await startApp();
    const page = await http(app.port, "/lab/1");
    expect(page.body).toContain('<pre class="mermaid">flowchart LR');
    expect(page.body).toContain('<script src="/vendor/mermaid.js" defer></script>');
    expect(page.headers["content-security-policy"]).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe/);
    const library = await http(app.port, "/vendor/mermaid.js");
    expect(library.status).toBe(200);
    expect(library.headers["content-type"]).toMatch(/javascript/);
    expect(library.body.length).toBeGreaterThan(1_000_000);
    expect((await http(app.port, "/guide.js")).status).toBe(200);
    // A page without a diagram loads no library.
    expect((await http(app.port, "/lab/2")).body).not.toContain("/vendor/mermaid.js");
  });
});
