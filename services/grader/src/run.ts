// One run of the grader, top to bottom: read the configuration and the checks, become the reports'
// owner, make sure the lab answers, start the browsers, run each check's matrix in each, then write
// the reports.
// Every way it can end is an exit code (exit-codes.ts); nothing here calls process.exit.
import { ConfigError, type Env } from "../../shared/src/env.ts";
import { ExpectationsError } from "../../shared/src/expectations.ts";
import { ManifestError } from "../../shared/src/lab-manifest.ts";
import { ApiOptionError } from "./api/api-options.ts";
import { runApi } from "./api/run-api.ts";
import type { BrowserProbe, PageKeeper } from "./browser-probe.ts";
import { type BrowserSource, OWN_BROWSER } from "./browser-source.ts";
import { type Check, resolveChecks } from "./check-list.ts";
import { ClaimsError } from "./claims/claims-file.ts";
import { runClaims } from "./claims/run-claims.ts";
import { classroomResult, type GradedStep } from "./classroom-result.ts";
import { type GraderConfig, readGraderConfig, USAGE, UsageError } from "./config.ts";
import { ENGINE_TITLES, type EngineName } from "./engines/engine.ts";
import { EngineMissingError } from "./engines/launch.ts";
import { EXIT, type ExitCode, GraderExit } from "./exit-codes.ts";
import { hintFor } from "./hints.ts";
import { pressTheButton } from "./in-browser/press-the-button.ts";
import { LabClient } from "./lab-client.ts";
import { pageOrigins, runMatrix, summarize } from "./matrix.ts";
import { checkReachability } from "./reachability.ts";
import {
  type ReportFiles,
  renderReportFiles,
  resultJson,
  writeClassroomResult,
  writeReports,
} from "./report/files.ts";
import type { CheckRun, GradedRun, PairResult, Report } from "./report/report.ts";
import { renderCheck, renderScore, type Terminal } from "./report/terminal.ts";
import { becomeOwnerOf } from "./report-owner.ts";

export interface RunOptions {
  readonly browsers?: BrowserSource;
  /** Hears the graded run (the warm grader answers with each check's view). */
  readonly onGraded?: (run: GradedRun) => void;
  /**
   * Takes the run's report files instead of their being written to the report folder: the warm
   * grader hands them to whoever asked it, and is never told a folder (issue #19).
   */
  readonly handOver?: (files: ReportFiles) => void;
}

/** How many checks of an --all run share the browser at once: they are independent of each other. */
const PARALLEL_CHECKS = 3;

export async function runGrader(
  argv: readonly string[],
  env: Env,
  terminal: Terminal,
  options: RunOptions = {},
): Promise<ExitCode> {
  try {
    const config = readGraderConfig(argv, env);
    if (config === undefined) {
      terminal.out(`${USAGE}\n`);
      return EXIT.pass;
    }
    const browsers = options.browsers ?? OWN_BROWSER;
    if (config.claims) return await runClaims(config, terminal, browsers, options.handOver);
    if (config.api) return await runApi(config, config.api, terminal, browsers, options.handOver);
    return await grade(config, await resolveChecks(config), terminal, options);
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
  if (
    error instanceof ConfigError ||
    error instanceof ExpectationsError ||
    error instanceof ManifestError ||
    error instanceof ClaimsError ||
    error instanceof ApiOptionError
  ) {
    return new GraderExit(EXIT.usage, error.message);
  }
  throw error;
}

async function grade(
  config: GraderConfig,
  checks: readonly Check[],
  terminal: Terminal,
  { browsers = OWN_BROWSER, onGraded, handOver }: RunOptions,
): Promise<ExitCode> {
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
    if (handOver) handOver({ "result.json": resultJson(zero) });
    else await writeClassroomResult(config.reportDir, zero).catch(() => undefined);
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
  // The engines start together (Firefox's start is the known cost) and each runs every check.
  const started = await Promise.allSettled(
    config.browsers.map(async (engine) => {
      const probe = await browsers.acquire(config, client, engine);
      return { probe, launchMs: Date.now() - startedAt.getTime() };
    }),
  );
  const running = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.findIndex((result) => result.status === "rejected");
  if (failed >= 0) {
    await Promise.all(running.map(({ probe }) => browsers.release(probe).catch(() => undefined)));
    const engine = config.browsers[failed] as EngineName;
    const error = (started[failed] as PromiseRejectedResult).reason as Error;
    await failEveryCheck(
      EXIT.browser,
      error instanceof EngineMissingError
        ? error.message
        : `${ENGINE_TITLES[engine]} did not start from ${config.executables[engine]}: ${error.message.split("\n")[0]}`,
    );
  }

  // Per engine, every check of the run sees the same policy: the pages each loads stay open for the next.
  const byEngine = await Promise.all(
    running.map(async ({ probe, launchMs }) => {
      const pages = probe.keepPagesOpen({
        thirdPartyCookies: config.thirdPartyCookies,
        localNetwork: config.localNetwork,
      });
      try {
        return await inParallel(checks, PARALLEL_CHECKS, (check, index) =>
          config.inBrowser
            ? runCheckInBrowser(probe, config, check, index === 0 ? launchMs : 0)
            : runCheck(pages, probe, config, check, index === 0 ? launchMs : 0),
        );
      } finally {
        await pages.close().catch(() => undefined);
        await browsers.release(probe);
      }
    }),
  );
  // Check by check, each in every engine, whichever finished first.
  const checkRuns: CheckRun[] = checks.map((check, index) => ({
    name: check.name,
    reports: byEngine.map((reports) => reports[index] as Report),
  }));
  const several = checks.length > 1;
  for (const { reports } of checkRuns) terminal.out(renderCheck(reports, several));

  const graded = checks.map((check, index) => gradedStep(check, checkRuns[index]?.reports ?? []));
  if (several) terminal.out(renderScore(graded));
  const run: GradedRun = { checks: checkRuns, result: grade(graded) };
  const files = renderReportFiles(run);
  onGraded?.(run);
  if (handOver) handOver(files);
  else terminal.out(await writeReports(config, files));
  return run.result.score === run.result["max-score"] ? EXIT.pass : EXIT.mismatch;
}

/** One check's matrix in a running browser. */
async function runCheck(
  pages: PageKeeper,
  probe: BrowserProbe,
  config: GraderConfig,
  check: Check,
  launchMs: number,
): Promise<Report> {
  const startedAt = new Date();
  const results = await runMatrix(pages, config.origins.lab, check.expectations, {
    engine: probe.engine,
    localNetwork: config.localNetwork,
    publicOrigin: config.origins.byRole.public,
    localTargets: config.origins.set !== "forwarded",
  });
  return reportOf(config, probe, check, results, {
    title: check.expectations.title,
    startedAt,
    launchMs,
    thirdPartyCookies: config.thirdPartyCookies,
    localNetwork: config.localNetwork,
    signInsRefused: pages.signInsRefused(),
  });
}

/**
 * One step checked by its page's own "Check in this browser" (issue #24): the page's window makes
 * the requests, the app judges them, and the page's table is read back. The browser is as it ships.
 */
async function runCheckInBrowser(
  probe: BrowserProbe,
  config: GraderConfig,
  check: Check,
  launchMs: number,
): Promise<Report> {
  const startedAt = new Date();
  const stepPage = `${config.origins.byRole.localhost}/lab/${check.step}`;
  let results: PairResult[];
  try {
    results = await pressTheButton(probe, stepPage, config.timeoutMs * 4);
  } catch (error) {
    throw new GraderExit(EXIT.crashed, `${stepPage}: ${(error as Error).message.split("\n")[0]}`);
  }
  return reportOf(config, probe, check, results, {
    title: `${check.expectations.title}, as the page's own check in this browser`,
    startedAt,
    launchMs,
    thirdPartyCookies: "shipped",
    localNetwork: "denied",
    signInsRefused: [],
  });
}

/** A check's report, from its pairs and how the run went. */
function reportOf(
  config: GraderConfig,
  probe: BrowserProbe,
  check: Check,
  results: readonly PairResult[],
  run: Pick<Report, "title" | "thirdPartyCookies" | "localNetwork" | "signInsRefused"> & {
    readonly startedAt: Date;
    readonly launchMs: number;
  },
): Report {
  const { expectations } = check;
  const matrixMs = Date.now() - run.startedAt.getTime();
  return {
    title: run.title,
    ...(check.step === undefined ? {} : { step: check.step }),
    expectations: check.source,
    request: expectations.request,
    asked: { path: expectations.path, signedIn: expectations.signedIn },
    pageCount: pageOrigins(config.origins.lab, expectations).length,
    startedAt: run.startedAt.toISOString(),
    // The first check's time includes the browser's start.
    durationMs: matrixMs + run.launchMs,
    timings: { launchMs: run.launchMs, matrixMs },
    engine: probe.engine,
    browser: probe.version(),
    thirdPartyCookies: run.thirdPartyCookies,
    localNetwork: run.localNetwork,
    signInsRefused: run.signInsRefused,
    origins: config.origins.lab,
    summary: summarize(results),
    pairs: results.map((result) => ({ ...result, hint: hintFor(result, config.origins) })),
  };
}

/** `work` on every item, at most `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A point for a step whose every pair is as expected in every engine of the run, with a sentence
 * for the learner; with several engines, each engine's verdict too.
 */
function gradedStep(check: Check, reports: readonly Report[]): GradedStep {
  const failing = reports.filter((report) => report.summary.failed > 0);
  const engines = reports.length > 1;
  const counts = failing.map(
    ({ engine, summary }) =>
      `${summary.failed} of ${summary.pairs} pairs${engines ? ` in ${ENGINE_TITLES[engine]}` : ""}`,
  );
  return {
    name: check.name,
    passed: failing.length === 0,
    message:
      failing.length === 0
        ? check.sentence
        : `Not yet: ${check.sentence} ${counts.join("; ")} are not as expected.`,
    browsers: Object.fromEntries(reports.map((report) => [report.engine, report.summary.failed === 0])),
  };
}
