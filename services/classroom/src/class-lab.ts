// The lab that grades a class (issue #11): a Compose project of its own beside the student's or the
// instructor's lab (its ports are random ones on 127.0.0.1), with the warm grader, serving one
// student's policy at a time from a folder this tool writes. Each student's policy gets a policy
// sandbox started for that student alone (issue #19); the tool talks to the lab through its HTTP
// interface and Docker, never through the app's code.
import { chmod, copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandResult, type CommandRunner, PROJECT_DIR, runCommand } from "../../shared/src/command.ts";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import type { LinkedPolicyStatus } from "../../shared/src/policy-protocol.ts";
import { retryUntil } from "../../shared/src/retry.ts";
import type { WarmAnswer } from "../../shared/src/warm-grader.ts";

const STARTER = join(PROJECT_DIR, "services/app/policy/cors-policy.ts");

/** The lab's services a class needs, whose restarts say the lab went down while a policy ran. */
export const CLASS_SERVICES = ["app", "proxy", "policy", "warm-grader"] as const;
export type ClassService = (typeof CLASS_SERVICES)[number];

export interface ClassLabOptions {
  readonly projectName: string;
  /** Where the reports go: a folder per student, and the gradebook. */
  readonly outDir: string;
  /** How long a student's policy may take on one request: short, since a class has many to grade. */
  readonly policyTimeoutMs: number;
  readonly run?: CommandRunner;
}

/** How long a fresh sandbox has to load a student's policy. */
const PICK_UP_MS = 20_000;
/** How long one student's --all may take, a policy that fails every request included. */
const GRADE_MS = 300_000;

/** What one grading run gave: its exit code and, when it graded, its report files. */
export type GradeRun = Pick<WarmAnswer, "code" | "files"> & { readonly message: string };

export class ClassLab {
  readonly #options: ClassLabOptions;
  readonly #policyDir: string;
  readonly #run: CommandRunner;
  #appPort = 0;

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
      [
        "up",
        "-d",
        "--wait",
        ...(recreate ? ["--force-recreate"] : []),
        "app",
        "proxy",
        "policy",
        "warm-grader",
      ],
      "starting the class's lab",
    );
    const port = await this.#must(["port", "app", String(DEFAULTS.APP_PORT)], "finding the app's port");
    this.#appPort = Number(port.stdout.trim().split(":").at(-1));
  }

  /** A fresh lab, for a student after one whose policy left it unwell. */
  restart(): Promise<void> {
    return this.#up(true);
  }

  async stop(): Promise<void> {
    // The class's lab is the tool's own: its volume holds only the sandbox's socket.
    await this.#compose(["down", "--volumes", "--timeout", "2"]);
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
    const health = await this.#compose([
      "ps",
      "--format",
      "{{.Service}} {{.Health}}",
      "policy",
      "warm-grader",
    ]);
    const lines = health.stdout.trim().split("\n");
    return lines.length === 2 && lines.every((line) => line.endsWith(" healthy"));
  }

  /** How many times Docker restarted each of the lab's containers, as it says now. */
  async restarts(): Promise<Record<ClassService, number>> {
    const ids = await this.#compose(["ps", "-a", "--format", "{{.Service}} {{.ID}}"]);
    const counts = Object.fromEntries(CLASS_SERVICES.map((service) => [service, 0])) as Record<
      ClassService,
      number
    >;
    for (const line of ids.stdout.trim().split("\n")) {
      const [service, id] = line.split(" ");
      if (!(CLASS_SERVICES as readonly string[]).includes(service ?? "") || id === undefined) continue;
      const inspected = await this.#run("docker", ["inspect", "--format", "{{.RestartCount}}", id], {
        cwd: PROJECT_DIR,
        timeoutMs: 30_000,
      });
      counts[service as ClassService] = Number(inspected.stdout.trim()) || 0;
    }
    return counts;
  }

  /**
   * Serves `student`'s policy in a policy sandbox started for this student alone, and waits until it
   * has loaded the file, or said why it cannot; the status is the app's then. Nothing the previous
   * student's policy did reaches this one: the sandbox is a new process tree in a new PID namespace,
   * and its container can write nothing to leave behind.
   */
  async serve(policy: string): Promise<LinkedPolicyStatus | undefined> {
    const before = await this.status().catch(() => undefined);
    const partial = join(this.#policyDir, ".cors-policy.ts.partial");
    // Readable by the sandbox's user in its container, whatever this machine's umask.
    await writeFile(partial, await readFile(policy, "utf8"), { mode: 0o644 });
    await chmod(partial, 0o644);
    await rename(partial, join(this.#policyDir, "cors-policy.ts"));
    const restarted = await this.#compose(["restart", "--timeout", "0", "policy"]);
    if (restarted.code !== 0) return undefined;
    const fresh = (now: LinkedPolicyStatus) =>
      now.sandbox.linked &&
      now.version > 0 &&
      !(before?.sandbox.linked && before.sandbox.id === now.sandbox.id);
    const status = await retryUntil(() => this.status(), fresh, {
      timeoutMs: PICK_UP_MS,
      intervalMs: 100,
    }).catch(() => undefined);
    return status && fresh(status) ? status : undefined;
  }

  /** Every step, graded by the warm grader: the run's code and report files, which this tool writes. */
  async grade(student: string): Promise<GradeRun> {
    const result = await this.#compose(
      [
        "exec",
        "-T",
        "-e",
        `OWNER=${student}`,
        "warm-grader",
        "node",
        "services/grader/src/main.ts",
        "--all",
        "--json",
      ],
      GRADE_MS,
    );
    const line = result.stdout.trim().split("\n").at(-1) ?? "";
    try {
      const answer = JSON.parse(line) as WarmAnswer;
      return { code: answer.code, files: answer.files ?? {}, message: lastLine(answer.err || answer.out) };
    } catch {
      return { code: result.code, files: {}, message: lastLine(result.stderr || result.stdout) };
    }
  }
}

export function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
