// grade:class's settings, read once from its command line.
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_DIR } from "../../shared/src/command.ts";

export interface ClassConfig {
  /** A folder per student. */
  readonly classDir: string;
  /** Where each student's reports and the gradebook go. */
  readonly outDir: string;
  readonly projectName: string;
  readonly policyTimeoutMs: number;
}

export const CLASS_USAGE = `Usage: npm run grade:class -- DIR [--out FOLDER] [--project NAME]

Grades every student of a class with every step of the guide. DIR holds a folder per student, with
the student's cors-policy.ts in it (or a checkout of the lab, with services/app/policy/cors-policy.ts).

  --out FOLDER      where the gradebook (gradebook.csv) and each student's reports go
                    (default: reports/class)
  --project NAME    the Compose project of the lab that grades (default: cors-lab-class); it runs
                    beside your own lab, on ports of its own, and is removed at the end`;

/**
 * A policy that takes longer than this on a request fails it: far more than a policy needs, and
 * short enough that one that loops on every request is graded in seconds.
 */
const CLASS_POLICY_TIMEOUT_MS = 500;

/** `toPath` resolves a path as the user typed it (from the folder they ran npm in). */
export function readClassConfig(argv: readonly string[], toPath: (path: string) => string): ClassConfig {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${CLASS_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new Error(CLASS_USAGE);
  if (positionals.length !== 1) {
    throw new Error(`give one class folder, not ${positionals.length}\n\n${CLASS_USAGE}`);
  }
  const projectName = values.project ?? "cors-lab-class";
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(projectName)) {
    throw new Error(
      `--project must be a Compose project name (a-z, 0-9, _ and -), not ${JSON.stringify(projectName)}`,
    );
  }
  const classDir = toPath(positionals[0] as string);
  const outDir = values.out === undefined ? join(PROJECT_DIR, "reports", "class") : toPath(values.out);
  // Each student's reports replace a folder of the out folder: one inside the other would have the
  // tool delete a student's work, or a student's folder stand for the tool's own (issue #19).
  if (within(outDir, classDir) || within(classDir, outDir)) {
    throw new Error(
      `the class folder (${classDir}) and --out (${outDir}) must be apart, neither inside the other: the reports would replace students' folders`,
    );
  }
  return { classDir, outDir, projectName, policyTimeoutMs: CLASS_POLICY_TIMEOUT_MS };
}

/** Whether `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const path = relative(outer, inner);
  return path === "" || !(path.startsWith("..") || path.startsWith("/"));
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: { out: { type: "string" }, project: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
}
