import { describe, expect, it } from "vitest";
import { renderGradebook } from "../../../services/classroom/src/gradebook.ts";

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
