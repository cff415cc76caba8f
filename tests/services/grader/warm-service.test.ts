// What the warm grader accepts (issue #19): what to check and in which browser, nothing that names a
// file; anything else is refused before a run starts.
import { describe, expect, it } from "vitest";
import { parseRequest } from "../../../services/grader/src/warm/service.ts";
import { WARM_OPTIONS } from "../../../services/shared/src/warm-grader.ts";

describe("a request to the warm grader", () => {
  it.each([
    [["--all"]],
    [["--step", "3"]],
    [["--all", "--step=7", "--browser", "chromium"]],
    [["--step", "10", "--third-party-cookies", "blocked"]],
    [
      [
        "--api",
        "http://localhost:5000/x",
        "--from",
        "http://localhost:5173",
        "--header",
        "X-A: 1",
        "--header",
        "X-B: 2",
      ],
    ],
    [[]],
  ])("takes %o", (argv) => {
    expect(parseRequest({ argv, identity: { OWNER: "ada", HOME: "/root" } })).toEqual({
      argv,
      identity: { OWNER: "ada" },
    });
  });

  it.each([
    [["--report-dir", "/reports/elsewhere"], "Unknown option '--report-dir'"],
    [["--expect", "/etc/passwd"], "Unknown option '--expect'"],
    [["--all", "/tmp/x"], "Unexpected argument '/tmp/x'"],
    [["--json"], "Unknown option '--json'"],
  ])("refuses %o, naming what it takes", (argv, why) => {
    expect(() => parseRequest({ argv })).toThrow(
      `the warm grader takes ${WARM_OPTIONS.join(", ")} and nothing else`,
    );
    expect(() => parseRequest({ argv })).toThrow(why);
  });

  it("refuses arguments that are not strings", () => {
    expect(() => parseRequest({ argv: [1] })).toThrow("argv must be strings");
  });
});
