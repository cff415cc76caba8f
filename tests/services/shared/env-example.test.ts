// .env.example is where a user learns what can be configured: every variable a service reads must
// be in it, so a new setting cannot ship undocumented.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../support/docker.ts";

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe(".env.example", () => {
  it("documents every variable the services read", async () => {
    const read = new Set<string>();
    for (const file of await sources(join(ROOT, "services"))) {
      const text = await readFile(file, "utf8");
      for (const match of text.matchAll(/read[A-Z]\w*\(\s*env,\s*"([A-Z][A-Z0-9_]*)"/g))
        read.add(match[1] as string);
    }
    // The pattern must find the variables at all, or the check below would pass on nothing.
    expect([...read]).toEqual(
      expect.arrayContaining(["APP_PORT", "PROXY_ROUTES", "LAB_ORIGIN_SET", "CLASSROOM"]),
    );
    const documented = await readFile(join(ROOT, ".env.example"), "utf8");
    const missing = [...read].filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(documented));
    expect(missing).toEqual([]);
  });
});
