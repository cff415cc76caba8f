import { describe, expect, it } from "vitest";
import { classroomResult, readSubmissionIdentity } from "../../../services/grader/src/classroom-result.ts";
import { expectValidResult } from "../../support/classroom50.ts";

const AT = new Date("2026-11-25T12:34:56.789Z");

const steps = [
  { name: "Step 1: Start the lab", passed: true, message: "The lab answers at all four origins." },
  {
    name: "Step 6: Allowing one origin",
    passed: false,
    message: "Not yet: 3 of 16 pairs are not as expected.",
  },
];

describe("the Classroom 50 result", () => {
  it("scores a point per step whose pairs were all as expected, and validates", () => {
    const result = expectValidResult(classroomResult(readSubmissionIdentity({}), steps, AT));
    expect(result).toMatchObject({ score: 1, "max-score": 2 });
    expect(result.tests).toEqual([
      {
        "test-name": "Step 1: Start the lab",
        passed: true,
        score: 1,
        "max-score": 1,
        message: steps[0]?.message,
      },
      {
        "test-name": "Step 6: Allowing one origin",
        passed: false,
        score: 0,
        "max-score": 1,
        message: steps[1]?.message,
      },
    ]);
  });

  it("outside Classroom 50, says it is a local run, with a submission tag of its own", () => {
    const result = classroomResult(readSubmissionIdentity({}), steps, AT);
    expect(result).toMatchObject({
      classroom: "local",
      assignment: "cors-lab",
      assignment_type: "individual",
      owner: "student",
      submission: "submit/local-20261125T123456Z",
      commit: "local run, not a Classroom 50 submission",
      datetime: "2026-11-25T12:34:56Z",
      graded_at: "2026-11-25T12:34:56Z",
    });
  });

  it("takes the submission's identity from the variables Classroom 50's runner sets", () => {
    const identity = readSubmissionIdentity({
      CLASSROOM: "web-101",
      ASSIGNMENT: "cors",
      ASSIGNMENT_TYPE: "group",
      OWNER: "ada",
      USERNAME: "someone-else",
      SUBMISSION_TAG: "submit/20261125T120000Z-abc1234",
      COMMIT_URL: "https://github.com/org/web-101-cors-ada/commit/abc1234",
      RELEASE_URL: "https://github.com/org/web-101-cors-ada/releases/tag/submit%2F20261125T120000Z-abc1234",
    });
    const result = expectValidResult(classroomResult(identity, steps, AT));
    expect(result).toMatchObject({
      classroom: "web-101",
      assignment: "cors",
      assignment_type: "group",
      owner: "ada",
      submission: "submit/20261125T120000Z-abc1234",
      // Without REVIEW_URL the review link is the commit, as Classroom 50 does it.
      review: "https://github.com/org/web-101-cors-ada/commit/abc1234",
    });
    expect(readSubmissionIdentity({ USERNAME: "grace" }).owner).toBe("grace");
  });

  it("is refused by the contract when a field is wrong, so the check above can fail", () => {
    const result = classroomResult(readSubmissionIdentity({}), steps, AT);
    expect(() => expectValidResult({ ...result, submission: "local" })).toThrow();
    expect(() => expectValidResult({ ...result, score: 2 })).toThrow();
  });

  it("validates with no step at all (0 of 0), as a run with nothing to check would give", () => {
    expect(expectValidResult(classroomResult(readSubmissionIdentity({}), [], AT))).toMatchObject({
      score: 0,
      "max-score": 0,
    });
  });

  it.each([
    [{ ASSIGNMENT_TYPE: "team" }, 'ASSIGNMENT_TYPE="team" is not valid: expected "individual" or "group"'],
    [{ SUBMISSION_TAG: "v1.0" }, 'SUBMISSION_TAG="v1.0" is not valid: expected a Classroom 50 tag'],
  ])("names a bad variable: %j", (env, message) => {
    expect(() => readSubmissionIdentity(env)).toThrow(message);
  });
});
