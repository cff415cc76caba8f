import { describe, expect, it } from "vitest";
import { parseManifest } from "../../../services/shared/src/lab-manifest.ts";

const step = (number: number, extra: Record<string, unknown> = {}) => ({
  number,
  folder: `0${number}-a-step`,
  title: "A step",
  sentence: "It works.",
  ...extra,
});

describe("parseManifest", () => {
  it("reads steps in order, with optional expectations", () => {
    expect(parseManifest("m.json", { steps: [step(1), step(2, { expectations: "expected.json" })] })).toEqual(
      [
        { number: 1, folder: "01-a-step", title: "A step", sentence: "It works." },
        {
          number: 2,
          folder: "02-a-step",
          title: "A step",
          sentence: "It works.",
          expectations: "expected.json",
        },
      ],
    );
  });

  it.each([
    [{}, '"steps" must be a non-empty array'],
    [{ steps: [] }, '"steps" must be a non-empty array'],
    [{ steps: [null] }, "steps[0] must be an object"],
    [{ steps: [step(2)] }, "steps[0].number must be 1 (steps are numbered in order), not 2"],
    [{ steps: [step(1, { folder: "../etc" })] }, "steps[0].folder must be a name matching"],
    [{ steps: [step(1, { title: "" })] }, 'steps[0].title must be a non-empty string, not ""'],
    [{ steps: [step(1, { expectations: "../../x.json" })] }, "steps[0].expectations must be a name matching"],
  ])("rejects %j, naming the file and the place", (data, message) => {
    expect(() => parseManifest("m.json", data)).toThrow(`m.json: ${message}`);
  });
});
