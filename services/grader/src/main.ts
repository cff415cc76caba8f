import { loadEnvFile } from "../../shared/src/env.ts";
import { BrowserProbe } from "./browser-probe.ts";
import { type Check, resolveChecks } from "./checks.ts";
import { type ClassroomResult, classroomResult, type GradedStep } from "./classroom-result.ts";
import { type GraderConfig, readGraderConfig, USAGE, UsageError } from "./config.ts";
import { hintFor } from "./hints.ts";
import { runMatrix, summarize } from "./matrix.ts";
import { unreachableOrigins } from "./reachability.ts";
import {
  type Report,
  renderHints,
  renderSummary,
  renderTable,
  writeClassroomResult,
  writeReport,
} from "./report.ts";
import { becomeOwnerOf } from "./report-owner.ts";

const EXIT = { pass: 0, mismatch: 1, usage: 2, unreachable: 3, browser: 4 } as const;

const REQUESTS = {
  simple: "simple GET",
  preflight: "PUT with JSON and X-Lab-Token (preflighted)",
  credentialed: "GET with credentials",
} as const;

function fail(code: number, message: string): never {
  process.stderr.write(`grader: ${message}\n`);
  process.exit(code);
}

let config: GraderConfig | undefined;
let checks: Check[];
try {
  config = readGraderConfig(process.argv.slice(2), loadEnvFile());
  if (config === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(EXIT.pass);
  }
  checks = await resolveChecks(config);
} catch (error) {
  const message = (error as Error).message;
  fail(EXIT.usage, error instanceof UsageError ? `${message}\n\n${USAGE}` : message);
}

try {
  becomeOwnerOf(config.reportDir);
} catch (error) {
  fail(EXIT.usage, `cannot write as the owner of ${config.reportDir}: ${(error as Error).message}`);
}

const { identity, reportDir } = config;
const startedAt = new Date();
const grade = (steps: readonly GradedStep[]): ClassroomResult => classroomResult(identity, steps, startedAt);

/** Nothing could be checked: every step scores nothing, with the reason, so no stale grade stays behind. */
async function failEveryCheck(code: number, message: string): Promise<never> {
  const reason = message.split("\n")[0] ?? message;
  const result = grade(checks.map((check) => ({ name: check.name, passed: false, message: reason })));
  await writeClassroomResult(reportDir, result).catch(() => undefined);
  return fail(code, message);
}

const down = await unreachableOrigins(config.origins, config.timeoutMs);
if (down.length > 0) {
  await failEveryCheck(
    EXIT.unreachable,
    `the lab is not reachable: ${down.join("; ")}.\n` +
      "Start it with `docker compose up -d --wait`, then run the grader again.",
  );
}

const probe = await BrowserProbe.launch({
  executablePath: config.chromiumPath,
  timeoutMs: config.timeoutMs,
  hostResolverRules: config.hostResolverRules,
}).catch((error: Error) =>
  failEveryCheck(
    EXIT.browser,
    `Chromium did not start from ${config.chromiumPath}: ${error.message.split("\n")[0]}`,
  ),
);

const launchMs = Date.now() - startedAt.getTime();
const reports: Report[] = [];
const several = checks.length > 1;
{
  await using browser = probe;
  const chromium = browser.version();
  for (const check of checks) {
    const { expectations } = check;
    const pages = config.origins.length + expectations.pages.length;
    process.stdout.write(
      `${expectations.title}\n` +
        `Chromium ${chromium}, ${pages} page origins x ${config.origins.length} lab origins, each pair a ${REQUESTS[expectations.request]}\n`,
    );
    const checkStarted = new Date();
    const results = await runMatrix(browser, config.origins, expectations);
    const matrixMs = Date.now() - checkStarted.getTime();
    const summary = summarize(results);
    const pairs = results.map((result) => ({ ...result, hint: hintFor(result) }));
    // With several steps, a passing one is a line; the tables are for the steps that need work.
    const detail =
      !several || summary.failed > 0
        ? `\n${renderTable(results, expectations.request)}\n\n${renderHints(pairs)}`
        : "";
    process.stdout.write(`${detail}${renderSummary(summary)}\n\n`);
    reports.push({
      title: expectations.title,
      expectations: check.source,
      request: expectations.request,
      startedAt: checkStarted.toISOString(),
      durationMs: reports.length === 0 ? Date.now() - startedAt.getTime() : matrixMs,
      timings: { launchMs: reports.length === 0 ? launchMs : 0, matrixMs },
      chromium,
      origins: config.origins,
      summary,
      pairs,
    });
  }
}

const graded = checks.map((check, index): GradedStep => {
  const { summary } = reports[index] as Report;
  const passed = summary.failed === 0;
  return {
    name: check.name,
    passed,
    message: passed
      ? check.sentence
      : `Not yet: ${check.sentence} ${summary.failed} of ${summary.pairs} pairs are not as expected.`,
  };
});
const result = grade(graded);
if (several) {
  process.stdout.write(
    `Score: ${result.score} of ${result["max-score"]} steps.\n${graded
      .map((step) => `  ${step.passed ? "passed" : "FAILED"}  ${step.name}`)
      .join("\n")}\n`,
  );
}
const path = await writeReport(config.reportDir, reports, result).catch((error: NodeJS.ErrnoException) =>
  fail(
    EXIT.usage,
    `cannot write the report to ${config.reportDir} (${error.code ?? error.message}); is it writable?`,
  ),
);
process.stdout.write(`Reports written to ${path} (and beside it the JUnit XML and result.json)\n`);
process.exit(result.score === result["max-score"] ? EXIT.pass : EXIT.mismatch);
