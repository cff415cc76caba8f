import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ClassError,
  findSubmissions,
  MAX_POLICY_BYTES,
} from "../../../services/classroom/src/submissions.ts";

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function classOf(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cors-lab-submissions-"));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

describe("a class's submissions", () => {
  it("are the student folders in name order, each with its policy where it was found, or why not", async () => {
    const dir = await classOf({
      "bea/cors-policy.ts": "export const corsPolicy = null;",
      "ada/services/app/policy/cors-policy.ts": "export const corsPolicy = null;",
      "cal/notes.txt": "",
      "dee/cors-policy.ts": "x".repeat(MAX_POLICY_BYTES + 1),
      "e v/cors-policy.ts": "",
      "Gradebook.CSV/cors-policy.ts": "export const corsPolicy = null;",
      ".git/config": "",
      "loose-file.ts": "",
    });
    const found = await findSubmissions(dir);
    expect(
      found.map(({ student, policy, problem }) => [student, policy?.slice(dir.length), problem]),
    ).toEqual([
      ["ada", "/ada/services/app/policy/cors-policy.ts", undefined],
      ["bea", "/bea/cors-policy.ts", undefined],
      ["cal", undefined, "no cors-policy.ts or services/app/policy/cors-policy.ts in the folder"],
      ["dee", undefined, "cors-policy.ts is 257 KB, more than a policy can be (256 KB)"],
      [
        "e v",
        undefined,
        "the folder's name is not usable as a student name (letters, digits, '.', '_' and '-')",
      ],
      [
        "Gradebook.CSV",
        undefined,
        "the folder's name is one of the tool's own files (gradebook.csv, gradebook.csv.partial): rename it",
      ],
    ]);
    expect(found.filter((submission) => submission.refused).map((submission) => submission.student)).toEqual([
      "e v",
      "Gradebook.CSV",
    ]);
  });

  it("name the folder when there is no class in it, or no folder at all", async () => {
    const empty = await classOf({ "loose-file.ts": "" });
    await expect(findSubmissions(empty)).rejects.toThrow(
      new ClassError(
        `${empty} has no student folders: put each student's cors-policy.ts in a folder of its own`,
      ),
    );
    await expect(findSubmissions(join(empty, "missing"))).rejects.toThrow(
      /cannot read the class folder .*missing \(ENOENT\)/,
    );
  });
});
