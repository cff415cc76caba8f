// Submissions of every kind for grade:class (issue #11), written as a class folder: the stack test's
// fixture class and the benchmark's generated class of thirty are made of these.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./docker.ts";

const read = (path: string) => readFile(join(ROOT, path), "utf8");
const FINAL = await read("lab/10-misconfigurations/solution/cors-policy.ts");
const STEP_6 = await read("lab/06-allow-one-origin/solution/cors-policy.ts");
const STARTER = await read("services/app/policy/cors-policy.ts");
const middleware = (body: string) =>
  `import type { RequestHandler } from "express";\nexport const corsPolicy: RequestHandler = (req, res, next) => {\n${body}\n};\n`;

/** A kind of submission: the files of a student's folder, file → text. */
export const KINDS = {
  checkout: { "services/app/policy/cors-policy.ts": FINAL, "README.md": "a checkout of the lab" },
  correct: { "cors-policy.ts": FINAL },
  "step-six": { "cors-policy.ts": STEP_6 },
  starter: { "cors-policy.ts": STARTER },
  syntax: { "cors-policy.ts": "export const corsPolicy = (req, res, next) => {\n  next(\n" },
  throws: { "cors-policy.ts": middleware('  throw new Error("not today");') },
  exits: { "cors-policy.ts": middleware("  process.exit(3);") },
  loops: { "cors-policy.ts": middleware("  for (;;) {}") },
  "never-next": { "cors-policy.ts": middleware("  res.setHeader('X-Stuck', 'yes');") },
  "hogs-memory": {
    "cors-policy.ts": middleware(
      "  const kept: number[][] = [];\n  for (;;) kept.push(new Array(1e6).fill(1));",
    ),
  },
  // Issue #19: a policy that means harm, and one that looks for what the student before it left.
  kills: { "cors-policy.ts": middleware("  process.kill(process.pid, 'SIGKILL');") },
  stashes: {
    "cors-policy.ts": `${FINAL}
// Tries to leave something for the next student's policy: a file, and a message to another thread.
try {
  (await import("node:fs")).writeFileSync("/tmp/stash", "from the last student");
} catch {}
try {
  new BroadcastChannel("stash").postMessage("from the last student");
} catch {}
`,
  },
  "finds-stash": {
    "cors-policy.ts": `${FINAL}
// Fails to load if anything the last student's policy left reached it.
import { readFileSync } from "node:fs";
let found = "";
try {
  found = readFileSync("/tmp/stash", "utf8");
} catch {}
if (found !== "") throw new Error("found the last student's file");
`,
  },
  nothing: { "notes.txt": "forgot to hand in" },
  "exits-loading": { "cors-policy.ts": "process.exit(0);\nexport const corsPolicy = null;\n" },
} as const satisfies Record<string, Record<string, string>>;

export type Kind = keyof typeof KINDS;

/** Writes a folder per student into `dir`, each with its kind's files. */
export async function writeClass(dir: string, students: Readonly<Record<string, Kind>>): Promise<void> {
  for (const [student, kind] of Object.entries(students)) {
    for (const [file, text] of Object.entries(KINDS[kind])) {
      const path = join(dir, student, file);
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, text);
    }
  }
}
