import { loadEnvFile } from "../../shared/src/env.ts";
import { BrowserProbe } from "./browser-probe.ts";
import { type GraderConfig, readGraderConfig, USAGE, UsageError } from "./config.ts";
import {
  DEFAULT_EXPECTATIONS,
  type Expectations,
  loadExpectations,
  stepExpectations,
} from "./expectations.ts";
import { hintFor } from "./hints.ts";
import { checkPairsAgainstOrigins, runMatrix, summarize } from "./matrix.ts";
import { unreachableOrigins } from "./reachability.ts";
import { renderHints, renderSummary, renderTable, writeReport } from "./report.ts";
import { becomeOwnerOf } from "./report-owner.ts";

const EXIT = { pass: 0, mismatch: 1, usage: 2, unreachable: 3, browser: 4 } as const;

function fail(code: number, message: string): never {
  process.stderr.write(`grader: ${message}\n`);
  process.exit(code);
}

let config: GraderConfig | undefined;
let expectations: Expectations;
try {
  config = readGraderConfig(process.argv.slice(2), loadEnvFile());
  if (config === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(EXIT.pass);
  }
  const expectFile =
    config.step === undefined ? config.expectFile : await stepExpectations(config.labDir, config.step);
  expectations = expectFile ? await loadExpectations(expectFile) : DEFAULT_EXPECTATIONS;
  checkPairsAgainstOrigins(expectFile ?? "default expectations", expectations, config.origins);
} catch (error) {
  const message = (error as Error).message;
  fail(EXIT.usage, error instanceof UsageError ? `${message}\n\n${USAGE}` : message);
}

try {
  becomeOwnerOf(config.reportDir);
} catch (error) {
  fail(EXIT.usage, `cannot write as the owner of ${config.reportDir}: ${(error as Error).message}`);
}

const down = await unreachableOrigins(config.origins, config.timeoutMs);
if (down.length > 0) {
  fail(
    EXIT.unreachable,
    `the lab is not reachable: ${down.join("; ")}.\n` +
      "Start it with `docker compose up -d --wait`, then run the grader again.",
  );
}

const startedAt = new Date();
let probe: BrowserProbe;
try {
  probe = await BrowserProbe.launch({ executablePath: config.chromiumPath, timeoutMs: config.timeoutMs });
} catch (error) {
  fail(
    EXIT.browser,
    `Chromium did not start from ${config.chromiumPath}: ${(error as Error).message.split("\n")[0]}`,
  );
}

let results: Awaited<ReturnType<typeof runMatrix>>;
let chromium: string;
const launchMs = Date.now() - startedAt.getTime();
let matrixMs: number;
{
  await using browser = probe;
  chromium = browser.version();
  const request = {
    simple: "simple GET",
    preflight: "PUT with JSON and X-Lab-Token (preflighted)",
    credentialed: "GET with credentials",
  }[expectations.request];
  process.stdout.write(
    `${expectations.title}\nChromium ${chromium}, ${config.origins.length} origins, each pair a ${request}\n\n`,
  );
  const matrixStarted = Date.now();
  results = await runMatrix(browser, config.origins, expectations);
  matrixMs = Date.now() - matrixStarted;
}

const summary = summarize(results);
const pairs = results.map((result) => ({ ...result, hint: hintFor(result) }));
process.stdout.write(`${renderTable(results)}\n\n${renderHints(pairs)}${renderSummary(summary)}\n`);
const path = await writeReport(config.reportDir, {
  title: expectations.title,
  expectations: config.step === undefined ? (config.expectFile ?? "default") : `step ${config.step}`,
  request: expectations.request,
  startedAt: startedAt.toISOString(),
  durationMs: Date.now() - startedAt.getTime(),
  timings: { launchMs, matrixMs },
  chromium,
  origins: config.origins,
  summary,
  pairs,
}).catch((error: NodeJS.ErrnoException) =>
  fail(
    EXIT.usage,
    `cannot write the report to ${config.reportDir} (${error.code ?? error.message}); is it writable?`,
  ),
);
process.stdout.write(`Report written to ${path}\n`);
process.exit(summary.failed === 0 ? EXIT.pass : EXIT.mismatch);
