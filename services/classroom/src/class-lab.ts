// The lab that grades a class (issue #11): a Compose project of its own beside the student's or the
// instructor's lab (its ports are random ones on 127.0.0.1), with the warm grader, serving one
// student's policy at a time from a folder this tool writes.
import { chmod, copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandResult, type CommandRunner, PROJECT_DIR, runCommand } from "../../shared/src/command.ts";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import type { LinkedPolicyStatus } from "../../shared/src/policy-protocol.ts";
import { retryUntil } from "../../shared/src/retry.ts";

const STARTER = join(PROJECT_DIR, "services/app/policy/cors-policy.ts");

export interface ClassLabOptions {
  readonly projectName: string;
  /** Where the reports go: a folder per student, and the gradebook. */
  readonly outDir: string;
  /** How long a student's policy may take on one request: short, since a class has many to grade. */
  readonly policyTimeoutMs: number;
  readonly run?: CommandRunner;
}

/** How long the app has to pick up a policy once written (it reads the file four times a second). */
const PICK_UP_MS = 10_000;
/** How long one student's --all may take, a policy that fails every request included. */
const GRADE_MS = 300_000;

export class ClassLab {
  readonly #options: ClassLabOptions;
  readonly #policyDir: string;
  readonly #run: CommandRunner;
  #appPort = 0;
  /** Policies served so far: each file served differs from the last by its count. */
  #served = 0;

  constructor(options: ClassLabOptions) {
    this.#options = options;
    this.#policyDir = join(options.outDir, ".policy");
    this.#run = options.run ?? runCommand;
  }

  #compose(args: readonly string[], timeoutMs = 300_000): Promise<CommandResult> {
    const { projectName, outDir, policyTimeoutMs } = this.#options;
    return this.#run("docker", ["compose", "-p", projectName, "--profile", "check", ...args], {
      cwd: PROJECT_DIR,
      timeoutMs,
      env: {
        CORS_POLICY_DIR: this.#policyDir,
        REPORTS_DIR: outDir,
        // Reached from this machine only, on ports nobody else has: the student's own lab keeps its own.
        BIND_ADDRESS: "127.0.0.1",
        APP_HOST_PORT: "0",
        PROXY_HOST_PORT: "0",
        // Graded with the guide's origins, whatever workspace this runs in.
        LAB_ORIGIN_SET: "default",
        POLICY_TIMEOUT_MS: String(policyTimeoutMs),
        LOG_REQUESTS: "false",
        COMPOSE_PROFILES: "check",
      },
    });
  }

  async #must(args: readonly string[], what: string, timeoutMs?: number): Promise<CommandResult> {
    const result = await this.#compose(args, timeoutMs);
    if (result.code !== 0) {
      throw new Error(
        `${what} failed (docker compose ${args[0]}, exit ${result.code}): ${lastLine(result.stderr)}`,
      );
    }
    return result;
  }

  /** Builds the images if need be and starts the lab with the starter policy and the warm grader. */
  async start(): Promise<void> {
    await mkdir(this.#policyDir, { recursive: true });
    await chmod(this.#policyDir, 0o755);
    await copyFile(STARTER, join(this.#policyDir, "cors-policy.ts"));
    await chmod(join(this.#policyDir, "cors-policy.ts"), 0o644);
    await this.#must(["--profile", "grade", "build", "--quiet"], "building the images", 1_200_000);
    await this.#up(false);
  }

  async #up(recreate: boolean): Promise<void> {
    await this.#must(
      ["up", "-d", "--wait", ...(recreate ? ["--force-recreate"] : []), "app", "proxy", "warm-grader"],
      "starting the class's lab",
    );
    const port = await this.#must(["port", "app", String(DEFAULTS.APP_PORT)], "finding the app's port");
    this.#appPort = Number(port.stdout.trim().split(":").at(-1));
  }

  /** A fresh app and warm grader, for a student after one whose policy left them unwell. */
  restart(): Promise<void> {
    return this.#up(true);
  }

  async stop(): Promise<void> {
    await this.#compose(["down", "--timeout", "2"]);
  }

  async status(): Promise<LinkedPolicyStatus> {
    const answer = await fetch(`http://127.0.0.1:${this.#appPort}/policy.json`, {
      signal: AbortSignal.timeout(2000),
    });
    return (await answer.json()) as LinkedPolicyStatus;
  }

  async healthy(): Promise<boolean> {
    const app = await fetch(`http://127.0.0.1:${this.#appPort}/healthz`, {
      signal: AbortSignal.timeout(2000),
    })
      .then((answer) => answer.ok)
      .catch(() => false);
    if (!app) return false;
    const grader = await this.#compose(["ps", "--format", "{{.Health}}", "warm-grader"]);
    return grader.stdout.trim() === "healthy";
  }

  /**
   * Serves `student`'s policy and waits until the app has loaded it, or said why it cannot; the
   * status is the app's then. The file always differs from the last one served (its last line names
   * the student and counts), so the app loads it afresh even when two students hand in the same text.
   */
  async serve(student: string, policy: string): Promise<LinkedPolicyStatus | undefined> {
    const before = (await this.status()).version;
    this.#served += 1;
    const text = `${await readFile(policy, "utf8")}\n// graded by grade:class for ${student} (${this.#served})\n`;
    const partial = join(this.#policyDir, ".cors-policy.ts.partial");
    // Readable by the app's user in its container, whatever this machine's umask.
    await writeFile(partial, text, { mode: 0o644 });
    await chmod(partial, 0o644);
    await rename(partial, join(this.#policyDir, "cors-policy.ts"));
    const status = await retryUntil(
      () => this.status(),
      (now) => now.version > before,
      { timeoutMs: PICK_UP_MS, intervalMs: 100 },
    ).catch(() => undefined);
    return status && status.version > before ? status : undefined;
  }

  /** Every step, graded by the warm grader, into the student's own reports folder. */
  grade(student: string): Promise<CommandResult> {
    return this.#compose(
      [
        "exec",
        "-T",
        "-e",
        `OWNER=${student}`,
        "warm-grader",
        "node",
        "services/grader/src/main.ts",
        "--all",
        "--report-dir",
        `/reports/${student}`,
      ],
      GRADE_MS,
    );
  }
}

export function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
