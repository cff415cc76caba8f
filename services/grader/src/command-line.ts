// The grader's command line (issue #11): the warm grader runs it when one is up and free, with the
// same verdicts and reports; otherwise it runs here, with a browser of its own. Either way the report
// files are written here, by the command that was asked, never by the warm grader (issue #19).
// With --json the run prints its exit code, output and report files as one JSON object instead of
// writing them: what `npm run grade:class` reads, to write each student's reports itself.
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { type Env, readString } from "../../shared/src/env.ts";
import { askWarmGrader, IDENTITY, WARM_OPTIONS, type WarmAnswer } from "../../shared/src/warm-grader.ts";
import { readGraderConfig } from "./config.ts";
import { EXIT, type ExitCode, GraderExit } from "./exit-codes.ts";
import type { ReportFiles } from "./report/files.ts";
import { writeReports } from "./report/files.ts";
import type { Terminal } from "./report/terminal.ts";
import { becomeOwnerOf } from "./report-owner.ts";
import { runGrader } from "./run.ts";

/** How long the command line waits for the warm grader's run (a whole class's worst policy included). */
const WARM_TIMEOUT_MS = 600_000;

/** Whether every argument is one the warm grader takes (nothing that names a file). */
function warmCanRun(argv: readonly string[]): boolean {
  return argv.every(
    (arg) => !arg.startsWith("--") || (WARM_OPTIONS as readonly string[]).includes(arg.split("=")[0] ?? ""),
  );
}

export async function runAnywhere(argv: readonly string[], env: Env, terminal: Terminal): Promise<ExitCode> {
  const json = argv.includes("--json");
  const args = argv.filter((arg) => arg !== "--json");
  const warm = await askWarm(args, env);
  if (json) {
    const answer = warm ?? (await runHere(args, env, undefined));
    terminal.out(`${JSON.stringify(answer)}\n`);
    return answer.code as ExitCode;
  }
  if (warm === undefined) return (await runHere(args, env, terminal)).code as ExitCode;
  terminal.out(warm.out);
  terminal.err(warm.err);
  return writeHere(args, env, warm.files, terminal, warm.code as ExitCode);
}

/** Writes a run's report files where this command's configuration says; the run's code, or 2. */
async function writeHere(
  argv: readonly string[],
  env: Env,
  files: ReportFiles,
  terminal: Terminal,
  code: ExitCode,
): Promise<ExitCode> {
  if (Object.keys(files).length === 0) return code;
  try {
    const config = readGraderConfig(argv, env);
    if (config === undefined) return code;
    becomeOwnerOf(config.reportDir);
    terminal.out(await writeReports(config, files));
    return code;
  } catch (error) {
    terminal.err(`grader: ${(error as Error).message}\n`);
    return error instanceof GraderExit ? error.code : EXIT.usage;
  }
}

/** The warm grader's answer, when one is up, free and able to run these arguments. */
async function askWarm(argv: readonly string[], env: Env): Promise<WarmAnswer | undefined> {
  let port = 0;
  try {
    // Usage and configuration mistakes are told here, without a trip to the warm grader.
    port = readGraderConfig(argv, env)?.servicePort ?? 0;
  } catch {
    return undefined; // runGrader tells them, in the same words as always
  }
  if (port === 0 || !warmCanRun(argv)) return undefined;
  const identity = Object.fromEntries(
    IDENTITY.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
  );
  // The engines and the cookie setting are this command's to choose (its variables), not the warm
  // grader's defaults.
  const asked = (
    flag: string,
    variable: "GRADER_BROWSER" | "GRADER_THIRD_PARTY_COOKIES" | "GRADER_LOCAL_NETWORK",
  ) =>
    argv.some((arg) => arg.split("=")[0] === flag)
      ? []
      : [flag, readString(env, variable, DEFAULTS[variable])];
  const own = [
    ...asked("--browser", "GRADER_BROWSER"),
    ...asked("--third-party-cookies", "GRADER_THIRD_PARTY_COOKIES"),
    ...asked("--local-network", "GRADER_LOCAL_NETWORK"),
  ];
  const reply = await askWarmGrader(port, { argv: [...argv, ...own], identity }, WARM_TIMEOUT_MS);
  return reply.kind === "answered" ? reply.answer : undefined;
}

/**
 * The run with a browser of its own: printed to `terminal` as it goes and its files written here, or
 * with no terminal, everything collected into the answer (for --json).
 */
async function runHere(
  argv: readonly string[],
  env: Env,
  terminal: Terminal | undefined,
): Promise<WarmAnswer> {
  const out: string[] = [];
  const err: string[] = [];
  let files: ReportFiles = {};
  const code = await runGrader(
    argv,
    env,
    terminal ?? { out: (text) => void out.push(text), err: (text) => void err.push(text) },
    {
      handOver: (handed) => {
        files = handed;
      },
    },
  );
  if (terminal === undefined) return { code, out: out.join(""), err: err.join(""), views: [], files };
  return { code: await writeHere(argv, env, files, terminal, code), out: "", err: "", views: [], files };
}
