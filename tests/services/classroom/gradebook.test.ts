import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downWhileGraded } from "../../../services/classroom/src/grade-class.ts";
import { renderGradebook, writeGradebook } from "../../../services/classroom/src/gradebook.ts";

describe("the gradebook", () => {
  it("is CSV with a header, a score and a 1 or 0 per step, quoting what must be quoted", () => {
    const csv = renderGradebook(
      ["Step 1: Start", "Step 2: One, two"],
      [
        { student: "ada", steps: [true, true], note: "" },
        { student: "bea", steps: [true, false], note: 'it threw Error: "no", twice' },
      ],
    );
    expect(csv).toBe(
      'student,score,Step 1: Start,"Step 2: One, two",note\r\nada,2,1,1,\r\nbea,1,1,0,"it threw Error: ""no"", twice"\r\n',
    );
  });
});

describe("writing the gradebook", () => {
  it("replaces it whole with the rows so far, leaving no partial file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cors-lab-gradebook-"));
    try {
      const steps = ["Step 1: Start"];
      await writeGradebook(dir, steps, [{ student: "ada", steps: [true], note: "" }]);
      const path = await writeGradebook(dir, steps, [
        { student: "ada", steps: [true], note: "" },
        { student: "bea", steps: [false], note: "late" },
      ]);
      expect(await readFile(path, "utf8")).toBe(
        "student,score,Step 1: Start,note\r\nada,1,1,\r\nbea,0,0,late\r\n",
      );
      expect(await readdir(dir)).toEqual(["gradebook.csv"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a lab that went down while a policy was graded", () => {
  const none = { app: 0, proxy: 0, policy: 0, "warm-grader": 0 };
  it.each([
    [none, ""],
    [{ ...none, app: 1 }, "the lab went down while this policy was graded (Docker restarted app)"],
    [
      { ...none, policy: 2 },
      "the policy's sandbox was stopped by the system and restarted while it was graded (it used more memory than a sandbox may, most likely)",
    ],
  ])("is said in plain words: %o", (after, note) => {
    expect(downWhileGraded(none, after)).toBe(note);
  });
});
