// The grade as a Classroom 50 `result.json` (schema classroom50/result/v1), one test per step:
// https://raw.githubusercontent.com/foundation50/classroom50/main/schemas/result-v1.schema.json
// Classroom 50's runner starts an assignment's autograder with the submission's identity in its
// environment, checks that `classroom` and `assignment` match it, and stamps `owner`,
// `assignment_type` and `datetime` itself. Run anywhere else, the grader fills those fields with
// the placeholders below, so the file still validates and says plainly that it is a local run.
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { ConfigError, type Env, readString } from "../../shared/src/env.ts";

export const RESULT_SCHEMA = "classroom50/result/v1";
export const RESULT_FILE = "result.json";

const LOCAL_RUN = "local run, not a Classroom 50 submission";

export interface SubmissionIdentity {
  readonly classroom: string;
  readonly assignment: string;
  readonly assignmentType: "individual" | "group";
  readonly owner: string;
  /** The `submit/...` tag being graded; undefined outside Classroom 50, where each run makes one up. */
  readonly submission: string | undefined;
  readonly commit: string;
  readonly release: string;
  readonly review: string;
}

/** The variables Classroom 50's runner sets for an autograder; each has a local default. */
export function readSubmissionIdentity(env: Env): SubmissionIdentity {
  const assignmentType = readString(env, "ASSIGNMENT_TYPE", DEFAULTS.ASSIGNMENT_TYPE);
  if (assignmentType !== "individual" && assignmentType !== "group") {
    throw new ConfigError("ASSIGNMENT_TYPE", assignmentType, `"individual" or "group"`);
  }
  const submission = readString(env, "SUBMISSION_TAG", "");
  if (submission !== "" && !submission.startsWith("submit/")) {
    throw new ConfigError(
      "SUBMISSION_TAG",
      submission,
      "a Classroom 50 tag such as submit/20261125T120000Z-abc1234",
    );
  }
  const commit = readString(env, "COMMIT_URL", LOCAL_RUN);
  return {
    classroom: readString(env, "CLASSROOM", DEFAULTS.CLASSROOM),
    assignment: readString(env, "ASSIGNMENT", DEFAULTS.ASSIGNMENT),
    assignmentType,
    owner: readString(env, "OWNER", readString(env, "USERNAME", DEFAULTS.OWNER)),
    submission: submission === "" ? undefined : submission,
    commit,
    release: readString(env, "RELEASE_URL", LOCAL_RUN),
    review: readString(env, "REVIEW_URL", commit),
  };
}

/** One graded step: its name, whether every pair was as expected, and a sentence on the pairs. */
export interface GradedStep {
  readonly name: string;
  readonly passed: boolean;
  readonly message: string;
  /** Whether the step passed in each engine the run graded in (issue #14); absent when none ran. */
  readonly browsers?: Readonly<Record<string, boolean>>;
}

export interface ClassroomResult {
  readonly schema: typeof RESULT_SCHEMA;
  readonly classroom: string;
  readonly assignment: string;
  readonly assignment_type: "individual" | "group";
  readonly owner: string;
  readonly submission: string;
  readonly commit: string;
  readonly release: string;
  readonly review: string;
  readonly datetime: string;
  readonly graded_at: string;
  readonly score: number;
  readonly "max-score": number;
  readonly tests: readonly {
    readonly "test-name": string;
    readonly passed: boolean;
    readonly score: number;
    readonly "max-score": number;
    readonly message: string;
    readonly browsers?: Readonly<Record<string, boolean>>;
  }[];
}

/** Seconds precision with a Z, the only timestamp form the schema accepts. */
const utc = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

/** A point per step, earned when every pair of the step is as expected. */
export function classroomResult(
  identity: SubmissionIdentity,
  steps: readonly GradedStep[],
  gradedAt: Date,
): ClassroomResult {
  const tests = steps.map((step) => ({
    "test-name": step.name,
    passed: step.passed,
    score: step.passed ? 1 : 0,
    "max-score": 1,
    message: step.message,
    ...(step.browsers ? { browsers: step.browsers } : {}),
  }));
  return {
    schema: RESULT_SCHEMA,
    classroom: identity.classroom,
    assignment: identity.assignment,
    assignment_type: identity.assignmentType,
    owner: identity.owner,
    submission: identity.submission ?? `submit/local-${utc(gradedAt).replace(/[-:]/g, "")}`,
    commit: identity.commit,
    release: identity.release,
    review: identity.review,
    datetime: utc(gradedAt),
    graded_at: utc(gradedAt),
    score: tests.reduce((sum, test) => sum + test.score, 0),
    "max-score": tests.length,
    tests,
  };
}
