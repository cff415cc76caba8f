// One run of the grader, top to bottom: read the configuration and the checks, become the reports'
// owner, make sure the lab answers, start Chromium, run each check's matrix, then write the reports.
// Every way it can end is an exit code (exit-codes.ts); nothing here calls process.exit.
import { ConfigError, type Env } from "../../shared/src/env.ts";
import { ManifestError } from "../../shared/src/lab-manifest.ts";
import { BrowserProbe } from "./browser-probe.ts";
import { type Check, resolveChecks } from "./checks.ts";
import { classroomResult, type GradedStep } from "./classroom-result.ts";
import { type GraderConfig, readGraderConfig, USAGE, UsageError } from "./config.ts";
import { EXIT, type ExitCode, GraderExit } from "./exit-codes.ts";
import { ExpectationsError } from "./expectations.ts";
import { hintFor } from "./hints.ts";
import { LabClient, spkiHashes } from "./lab-client.ts";
import { pageOrigins, runMatrix, summarize } from "./matrix.ts";
import { checkReachability } from "./reachability.ts";
import { type Report, writeClassroomResult, writeReport } from "./report.ts";
import { becomeOwnerOf } from "./report-owner.ts";
import { renderHeading, renderResult, renderScore } from "./terminal.ts";

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
}

export async function runGrader(argv: readonly string[], env: Env, terminal: Terminal): Promise<ExitCode> {
  try {
    const config = readGraderConfig(argv, env);
    if (config === undefined) {
      terminal.out(`${USAGE}\n`);
      return EXIT.pass;
    }
    return await grade(config, await resolveChecks(config), terminal);
  } catch (error) {
    const { code, message } = asExit(error);
    terminal.err(`grader: ${message}\n`);
    return code;
  }
}

/** What a thrown error means for the user: bad usage, a bad file or variable, or a run that stopped. */
function asExit(error: unknown): GraderExit {
  if (error instanceof GraderExit) return error;
  if (error instanceof UsageError) return new GraderExit(EXIT.usage, `${error.message}\n\n${USAGE}`);
  if (error instanceof ConfigError || error instanceof ExpectationsError || error instanceof ManifestError) {
    return new GraderExit(EXIT.usage, error.message);
  }
  throw error;
}

async function grade(config: GraderConfig, checks: readonly Check[], terminal: Terminal): Promise<ExitCode> {
  try {
    becomeOwnerOf(config.reportDir);
  } catch (error) {
    throw new GraderExit(
      EXIT.usage,
      `cannot write as the owner of ${config.reportDir}: ${(error as Error).message}`,
    );
  }
  const startedAt = new Date();
  const grade = (steps: readonly GradedStep[]) => classroomResult(config.identity, steps, startedAt);

  /** Nothing could be checked: every step scores nothing, with the reason, so no stale grade stays behind. */
  const failEveryCheck = async (code: ExitCode, message: string): Promise<never> => {
    const reason = message.split("\n")[0] ?? message;
    const zero = grade(checks.map((check) => ({ name: check.name, passed: false, message: reason })));
    await writeClassroomResult(config.reportDir, zero).catch(() => undefined);
    throw new GraderExit(code, message);
  };

  const client = new LabClient({
    hostResolverRules: config.hostResolverRules,
    trustedCertificates: config.trustedCertificates,
    timeoutMs: config.timeoutMs,
  });
  const { down, notTheLab } = await checkReachability(client, config.origins.lab);
  if (down.length > 0) {
    await failEveryCheck(
      EXIT.unreachable,
      `the lab is not reachable: ${down.join("; ")}.\n` +
        "Start it with `docker compose up -d --wait`, then run the grader again.",
    );
  }
  if (notTheLab.length > 0) {
    terminal.out(`Not the lab: ${notTheLab.join("; ")}. Each pair will say what answered instead.\n\n`);
  }
  const probe = await BrowserProbe.launch({
    executablePath: config.chromiumPath,
    timeoutMs: config.timeoutMs,
    hostResolverRules: config.hostResolverRules,
    trustedSpki: config.trustedCertificates ? spkiHashes(config.trustedCertificates) : [],
    client,
  }).catch((error: Error) =>
    failEveryCheck(
      EXIT.browser,
      `Chromium did not start from ${config.chromiumPath}: ${error.message.split("\n")[0]}`,
    ),
  );
  const launchMs = Date.now() - startedAt.getTime();

  const reports: Report[] = [];
  {
    await using browser = probe;
    for (const check of checks) {
      const report = await runCheck(browser, config, check, reports.length === 0 ? launchMs : 0, terminal);
      terminal.out(renderResult(report, checks.length > 1));
      reports.push(report);
    }
  }

  const graded = checks.map((check, index) => gradedStep(check, reports[index] as Report));
  if (checks.length > 1) terminal.out(renderScore(graded));
  const result = grade(graded);
  const path = await writeReport(config.reportDir, reports, result).catch((error: NodeJS.ErrnoException) => {
    throw new GraderExit(
      EXIT.usage,
      `cannot write the report to ${config.reportDirShown} (${error.code ?? error.message}); is it writable?`,
    );
  });
  const shown = path.replace(config.reportDir, config.reportDirShown);
  terminal.out(`Reports written to ${shown} (and beside it the JUnit XML and result.json)\n`);
  return result.score === result["max-score"] ? EXIT.pass : EXIT.mismatch;
}

/** One check's matrix in the running browser, announced on the terminal as it starts. */
async function runCheck(
  browser: BrowserProbe,
  config: GraderConfig,
  check: Check,
  launchMs: number,
  terminal: Terminal,
): Promise<Report> {
  const { expectations } = check;
  const targets = config.origins.lab;
  const pages = pageOrigins(targets, expectations).length;
  terminal.out(renderHeading(expectations.title, browser.version(), pages, targets.length, expectations));
  const checkStarted = new Date();
  const results = await runMatrix(browser, targets, expectations);
  const matrixMs = Date.now() - checkStarted.getTime();
  return {
    title: expectations.title,
    ...(check.step === undefined ? {} : { step: check.step }),
    expectations: check.source,
    request: expectations.request,
    startedAt: checkStarted.toISOString(),
    // The first check's time includes Chromium's start.
    durationMs: matrixMs + launchMs,
    timings: { launchMs, matrixMs },
    chromium: browser.version(),
    origins: targets,
    summary: summarize(results),
    pairs: results.map((result) => ({ ...result, hint: hintFor(result, config.origins) })),
  };
}

/** A point for a step whose every pair is as expected, with a sentence for the learner. */
function gradedStep(check: Check, report: Report): GradedStep {
  const { summary } = report;
  const passed = summary.failed === 0;
  return {
    name: check.name,
    passed,
    message: passed
      ? check.sentence
      : `Not yet: ${check.sentence} ${summary.failed} of ${summary.pairs} pairs are not as expected.`,
  };
}
