import { describe, expect, it } from "vitest";
import { readClassConfig } from "../../../services/classroom/src/config.ts";

const toPath = (path: string) => `/home/teacher/${path}`;

describe("grade:class's command line", () => {
  it("takes one class folder, and an out folder and project name", () => {
    expect(readClassConfig(["class", "--out", "out", "--project", "cl-1"], toPath)).toMatchObject({
      classDir: "/home/teacher/class",
      outDir: "/home/teacher/out",
      projectName: "cl-1",
    });
    expect(readClassConfig(["class"], toPath).outDir).toMatch(/reports\/class$/);
  });

  it.each([
    [[], "give one class folder, not 0"],
    [["a", "b"], "give one class folder, not 2"],
    [
      ["a", "--project", "Not OK"],
      '--project must be a Compose project name (a-z, 0-9, _ and -), not "Not OK"',
    ],
    [["a", "--bogus"], "Unknown option '--bogus'"],
    [["class", "--out", "class"], "must be apart, neither inside the other"],
    [["class", "--out", "class/reports"], "must be apart, neither inside the other"],
    [["class/ada", "--out", "class"], "must be apart, neither inside the other"],
  ])("refuses %o, saying why", (argv, why) => {
    expect(() => readClassConfig(argv, toPath)).toThrow(why);
  });
});
