// A class's submissions: one folder per student in DIR, holding the student's cors-policy.ts, either
// at the top (just the file) or where a checkout of the lab keeps it (issue #11).
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { TOOL_NAMES } from "./gradebook.ts";

/** Where in a student's folder the policy may be, in the order looked for. */
export const POLICY_PLACES = ["cors-policy.ts", "services/app/policy/cors-policy.ts"] as const;

/** A policy larger than this is not a policy: it is refused unread. */
export const MAX_POLICY_BYTES = 256 * 1024;

/** A name the gradebook and the reports' folder can carry as it is. */
const STUDENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Submission {
  readonly student: string;
  /** The policy file to grade; undefined when there is none to grade, and `problem` says why. */
  readonly policy: string | undefined;
  readonly problem: string | undefined;
  /** The folder's name may not name a folder of reports: the student gets a gradebook row alone. */
  readonly refused?: true;
}

export class ClassError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClassError";
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const found = await stat(path);
    return found.isFile() ? found.size : undefined;
  } catch {
    return undefined;
  }
}

async function submissionOf(dir: string, student: string): Promise<Submission> {
  if (!STUDENT_NAME.test(student)) {
    return {
      student,
      policy: undefined,
      problem: "the folder's name is not usable as a student name (letters, digits, '.', '_' and '-')",
      refused: true,
    };
  }
  // The gradebook sits beside the students' report folders: no student may take its name, in any
  // case (macOS and Windows do not tell GRADEBOOK.CSV from gradebook.csv).
  if (TOOL_NAMES.includes(student.toLowerCase())) {
    return {
      student,
      policy: undefined,
      problem: `the folder's name is one of the tool's own files (${TOOL_NAMES.join(", ")}): rename it`,
      refused: true,
    };
  }
  for (const place of POLICY_PLACES) {
    const path = join(dir, student, place);
    const size = await sizeOf(path);
    if (size === undefined) continue;
    if (size > MAX_POLICY_BYTES) {
      return {
        student,
        policy: undefined,
        problem: `${place} is ${Math.ceil(size / 1024)} KB, more than a policy can be (${MAX_POLICY_BYTES / 1024} KB)`,
      };
    }
    return { student, policy: path, problem: undefined };
  }
  return { student, policy: undefined, problem: `no ${POLICY_PLACES.join(" or ")} in the folder` };
}

/** Every student folder of `dir`, in name order (folders starting with "." are not students). */
export async function findSubmissions(dir: string): Promise<Submission[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ClassError(`cannot read the class folder ${dir} (${(error as NodeJS.ErrnoException).code})`);
  }
  const students = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, "en"));
  if (students.length === 0) {
    throw new ClassError(
      `${dir} has no student folders: put each student's cors-policy.ts in a folder of its own`,
    );
  }
  return Promise.all(students.map((student) => submissionOf(dir, student)));
}
