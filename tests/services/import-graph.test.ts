// No import circle in services/ (issue #21): a module's words at the bottom, what builds on them on
// top. Read from the sources themselves: every relative `import … from`, `export … from` and
// `import("…")`, type-only imports included, since a circle of types is a circle of meaning too.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/docker.ts";

const SERVICES = join(ROOT, "services");
const SPECIFIER =
  /(?:^|\s)(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

async function importGraph(): Promise<Map<string, string[]>> {
  const entries = await readdir(SERVICES, { withFileTypes: true, recursive: true });
  const files = entries
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.parentPath.includes("node_modules"),
    )
    .map((entry) => join(entry.parentPath, entry.name));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(file, "utf8");
    const imports = [...text.matchAll(SPECIFIER)].map((match) =>
      resolve(dirname(file), (match[1] ?? match[2]) as string),
    );
    graph.set(
      file,
      imports.filter((imported) => imported.endsWith(".ts")),
    );
  }
  return graph;
}

/** Every circle of the graph, each once, as the files around it (depth-first, Tarjan-free: the graph is small). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      const circle = path.slice(at);
      const first = [...circle].sort()[0] as string;
      const start = circle.indexOf(first);
      const normal = [...circle.slice(start), ...circle.slice(0, start)];
      found.set(normal.join(" -> "), normal);
      return;
    }
    if (path.length > 60) return;
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
  };
  const done = new Set<string>();
  for (const file of graph.keys()) {
    if (done.has(file)) continue;
    visit(file, []);
    done.add(file);
  }
  return [...found.values()];
}

describe("the services' imports", () => {
  it("find the modules at all (the check below would pass on nothing)", async () => {
    const graph = await importGraph();
    expect(graph.size).toBeGreaterThan(80);
    expect(graph.get(join(SERVICES, "grader/src/run.ts"))).toContain(
      join(SERVICES, "grader/src/report/report.ts"),
    );
  });

  it("would see a circle if there were one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(circles(graph)).toEqual([["a", "b", "c"]]);
  });

  it("have no circle", async () => {
    const found = circles(await importGraph()).map((circle) =>
      circle.map((file) => relative(SERVICES, file)).join(" -> "),
    );
    expect(found).toEqual([]);
  });
});
