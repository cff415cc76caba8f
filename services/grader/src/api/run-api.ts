// `grader --api URL` (issue #25): the lab's browsers pointed at the student's own API. Each page
// origin (`--from`, `--not-from`) gets a page (the lab's own, or one the grader serves on this
// machine's loopback), makes each kind of request to the API from it, and the browser's verdict is
// read with the engine's own reason and, for a CORS block, the rule the API's answer fails, in the
// lab's words, from the same request asked by the grader itself. The reports are the grader's usual
// ones; exit 0 when every page origin got what its flag says, 1 when one did not.
import type { RequestKind } from "../../../shared/src/console-contract.ts";
import {
  type CheckedRequest,
  type CorsRule,
  explainRule,
  headerList,
  isCorsRule,
} from "../../../shared/src/cors-rules.ts";
import type { PairExpectation } from "../../../shared/src/expectations.ts";
import { type BrowserProbe, REASON_GRACE_MS } from "../browser-probe.ts";
import { type BrowserSource, inEachEngine } from "../browser-source.ts";
import { corsBlock } from "../classify-block.ts";
import { classroomResult } from "../classroom-result.ts";
import type { GraderConfig } from "../config.ts";
import { type EngineName, runKey } from "../engines/engine.ts";
import { closeRelay, relayOnLoopback } from "../engines/loopback-relay.ts";
import { LOCAL_NETWORK_CODES, readReason } from "../engines/reasons.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { type ApiCalled, callApi } from "../in-page/call-api.ts";
import { LabClient } from "../lab-client.ts";
import { judge, summarize } from "../matrix.ts";
import { type ReportFiles, renderReportFiles, writeReports } from "../report/files.ts";
import type { CheckRun, GradedRun, Outcome, PairResult, Report } from "../report/report.ts";
import { renderCheck, type Terminal } from "../report/terminal.ts";
import { becomeOwnerOf } from "../report-owner.ts";
import type { ApiCheck } from "./api-options.ts";
import { servePages } from "./page-documents.ts";
import { type Asked, askServer, type ServerView, unsafeHeaderNames } from "./server-check.ts";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

interface Asking {
  readonly kind: RequestKind;
  readonly request: (origin: string) => CheckedRequest;
  readonly headers: Readonly<Record<string, string>>;
  readonly words: string;
}

function askings(api: ApiCheck): Asking[] {
  return api.kinds.map((kind): Asking => {
    const headers = kind === "preflight" ? api.headers : {};
    const method = kind === "preflight" ? api.method : "GET";
    const unsafe = unsafeHeaderNames(headers);
    const words =
      kind === "preflight"
        ? `${method}${unsafe.length > 0 ? ` with ${Object.keys(headers).join(", ")}` : ""}`
        : kind === "credentialed"
          ? "GET with credentials"
          : "simple GET";
    return {
      kind,
      headers,
      words,
      request: (origin) => ({ origin, method, credentials: kind === "credentialed", unsafeHeaders: unsafe }),
    };
  });
}

export async function runApi(
  config: GraderConfig,
  api: ApiCheck,
  terminal: Terminal,
  browsers: BrowserSource,
  handOver?: (files: ReportFiles) => void,
): Promise<ExitCode> {
  becomeOwnerOf(config.reportDir);
  const target = new URL(api.url);
  // The student's own machine, seen from the grader: its localhost ports are relayed there, so that
  // the browser, and the API, see http://localhost:PORT as the student wrote it.
  const relays = LOOPBACK.has(target.hostname)
    ? await relayOnLoopback(portOf(target), `${api.hostMachine}:${portOf(target)}`)
    : [];
  if (relays.length > 0)
    terminal.out(
      `Your machine's ${target.host} is reached from the grader's container as ${api.hostMachine}:${portOf(target)}.\n`,
    );
  const lab = new Set(Object.values(config.origins.byRole));
  const pages = await servePages([...api.from, ...api.notFrom].filter((origin) => !lab.has(origin)));
  if (pages.taken.length > 0)
    terminal.out(
      `Not the grader's page: ${pages.taken.join(", ")} ${pages.taken.length > 1 ? "are" : "is"} answered by another program here (the lab's own ports are 3000 and the warm grader's), so its pairs say what loaded instead.\n`,
    );
  const client = new LabClient({
    hostResolverRules: config.hostResolverRules,
    trustedCertificates: config.trustedCertificates,
    timeoutMs: config.timeoutMs,
  });
  const startedAt = new Date();
  const kinds = askings(api);
  try {
    const byEngine = await inEachEngine(browsers, config, client, async (probe) => {
      const reports: Report[] = [];
      for (const asking of kinds) reports.push(await checkKind(config, api, probe, asking));
      return reports;
    });
    const checks: CheckRun[] = kinds.map((asking, index) => ({
      name: `Your API: ${asking.words} of ${api.url}`,
      reports: byEngine.map((reports) => reports[index] as Report),
    }));
    for (const { reports } of checks) terminal.out(renderCheck(reports, checks.length > 1));
    const graded = checks.map(({ name, reports }) => {
      const failed = reports.filter((report) => report.summary.failed > 0);
      return {
        name,
        passed: failed.length === 0,
        message: failed.length === 0 ? "every page origin as expected" : "some page origin not as expected",
        browsers: Object.fromEntries(reports.map((report) => [report.engine, report.summary.failed === 0])),
      };
    });
    const run: GradedRun = { checks, result: classroomResult(config.identity, graded, startedAt) };
    // The warm grader hands its files back, never writes them (issue #19).
    if (handOver) handOver(renderReportFiles(run));
    else terminal.out(await writeReports(config, renderReportFiles(run)));
    return graded.every((check) => check.passed) ? EXIT.pass : EXIT.mismatch;
  } finally {
    await pages.close();
    await closeRelay(relays);
  }
}

const portOf = (url: URL) => Number(url.port || (url.protocol === "https:" ? 443 : 80));

/** One kind of request from every page origin, in one engine. */
async function checkKind(
  config: GraderConfig,
  api: ApiCheck,
  probe: BrowserProbe,
  asking: Asking,
): Promise<Report> {
  const startedAt = new Date();
  const pages = [...api.from, ...api.notFrom];
  const pairs: (PairResult & { readonly hint: string | undefined })[] = [];
  for (const page of pages) {
    const expected: PairExpectation = {
      expect: api.notFrom.includes(page) ? "blocked" : api.fromGiven ? "allowed" : "any",
    };
    const got = await fromPage(config, api, probe, asking, page);
    const result: PairResult = {
      page,
      target: api.url,
      expected,
      got: got.outcome,
      pass: judge(expected, got.outcome),
    };
    pairs.push({ ...result, hint: result.pass ? undefined : hintFor(result, got.server, asking) });
  }
  return {
    title: `Your API: ${asking.words} of ${api.url}`,
    expectations: "--api",
    request: asking.kind,
    asked: { path: new URL(api.url).pathname, signedIn: [] },
    api: { url: api.url, request: asking.words },
    pageCount: pages.length,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    timings: { launchMs: 0, matrixMs: Date.now() - startedAt.getTime() },
    engine: probe.engine,
    browser: probe.version(),
    thirdPartyCookies: config.thirdPartyCookies,
    localNetwork: config.localNetwork,
    signInsRefused: [],
    origins: [api.url],
    summary: summarize(pairs),
    pairs,
  };
}

/** One request from one page: what the browser did, and what the API answered the grader. */
async function fromPage(
  config: GraderConfig,
  api: ApiCheck,
  probe: BrowserProbe,
  asking: Asking,
  page: string,
): Promise<{ outcome: Outcome; server: ServerView | undefined }> {
  let opened: Awaited<ReturnType<BrowserProbe["openPage"]>>;
  try {
    // Opened once more when the engine could not (openPage): the page is the grader's own, so a
    // miss is the browser's, never the API's.
    opened = await probe.openPage(`${page}/`, {
      signedInAt: [],
      thirdPartyCookies: config.thirdPartyCookies,
      localNetwork: config.localNetwork,
    });
  } catch (error) {
    return notMeasured(error);
  }
  try {
    const request = asking.request(page);
    let called: ApiCalled;
    try {
      called = await opened.tab.evaluate(callApi, {
        url: api.url,
        init: {
          method: request.method,
          credentials: request.credentials ? "include" : "same-origin",
          headers: asking.headers,
          ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: "{}" }),
        },
        timeoutMs: config.timeoutMs,
      });
    } catch (error) {
      return notMeasured(error, "the browser did not run the request: ");
    }
    if (called.seen === "allowed")
      return { outcome: { result: "allowed", status: called.status }, server: undefined };
    if (called.timedOut) return { outcome: noAnswerWithin(api, config.timeoutMs), server: undefined };
    const said = opened.tab.blockReason(runKey(api.url), REASON_GRACE_MS);
    const server = await askServer(api.url, request, asking.headers, config.timeoutMs);
    // No answer, or a redirect, is named as such whatever the engine says (readBlock): its words
    // are then not waited for.
    const answered = [server.preflight, server.actual].every(
      (asked) => asked === undefined || (asked.kind === "answer" && !isRedirect(asked)),
    );
    return { outcome: readBlock(probe.engine, api, answered ? await said : undefined, server), server };
  } finally {
    await opened.tab.close().catch(() => undefined);
  }
}

/** A pair the browser, not the API, left unmeasured (its page, or its request): the run goes on. */
function notMeasured(error: unknown, why = ""): { outcome: Outcome; server: undefined } {
  const said = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  return { outcome: { result: "blocked", cause: "other", reason: `${why}${said}` }, server: undefined };
}

function isRedirect(asked: Asked | undefined): boolean {
  return asked?.kind === "answer" && asked.answer.status >= 300 && asked.answer.status < 400;
}

function noAnswerWithin(api: ApiCheck, timeoutMs: number): Outcome {
  return {
    result: "blocked",
    cause: "other",
    reason: `${api.url} did not answer within ${timeoutMs} ms (GRADER_TIMEOUT_MS): not a CORS verdict`,
  };
}

/** What a block was, from the engine's words and the API's answer to the grader. */
export function readBlock(
  engine: EngineName,
  api: ApiCheck,
  said: string | undefined,
  server: ServerView,
): Outcome {
  if (said !== undefined && LOCAL_NETWORK_CODES.has(said)) {
    return {
      result: "blocked",
      cause: "local-network",
      reason: `Local Network Access stopped the request to ${api.url} (${said}): a public website's page needs the user's permission to reach it`,
    };
  }
  const failed = [server.preflight, server.actual].find((asked) => asked?.kind === "failed");
  // The page's fetch does not always end by its own time limit (WebKit's, now and then, fails
  // otherwise first): the grader's own request, kept waiting as long, tells the same.
  if (failed?.kind === "failed" && failed.timedOutMs !== undefined)
    return noAnswerWithin(api, failed.timedOutMs);
  if (failed?.kind === "failed") {
    const machine = LOOPBACK.has(new URL(api.url).hostname)
      ? ` From the grader, your machine is ${api.hostMachine}: is your API listening on all of its addresses (0.0.0.0), not only 127.0.0.1?`
      : "";
    return {
      result: "blocked",
      cause: "other",
      reason: `nothing answered ${api.url} (${failed.error}): not a CORS verdict. Is your API running?${machine}`,
    };
  }
  // A redirect is not the API's answer (a sign-in page, most often): name it, whatever CORS
  // headers it carried. A preflight may not be redirected at all.
  const redirected = [server.preflight, server.actual].find(isRedirect);
  if (redirected?.kind === "answer") {
    return {
      result: "blocked",
      cause: "other",
      reason: `${api.url} answered ${redirected.answer.status} to ${redirected.location ?? "nowhere"}: a redirect (to a sign-in page?), not an answer of its own, so not a CORS verdict`,
    };
  }
  const reading = readReason(engine, said, server.rule);
  if (reading.kind === "cors") return corsBlock(reading, "the server's answer", server.rule);
  if (reading.kind === "not-cors") return { result: "blocked", cause: "other", reason: reading.said };
  return { result: "blocked", cause: "other", reason: "blocked without a reason" };
}

/** The request's headers that the preflight's Access-Control-Allow-Headers does not list. */
function notAllowed(server: ServerView, request: CheckedRequest): string[] {
  const answer = server.preflight?.kind === "answer" ? server.preflight.answer : undefined;
  const listed = headerList(answer?.headers["access-control-allow-headers"]).map((name) =>
    name.toLowerCase(),
  );
  return request.unsafeHeaders.filter((name) => !listed.includes(name));
}

/** What the API sent and what it would have to send, for the rule its answer failed. */
function sentAndNeeded(rule: CorsRule, server: ServerView, request: CheckedRequest): string {
  const answer =
    (rule.startsWith("Preflight") || rule.endsWith("ByPreflightResponse")
      ? server.preflight
      : server.actual) ?? server.actual;
  const headers = answer?.kind === "answer" ? answer.answer.headers : {};
  const shown = (name: string) => headers[name.toLowerCase()] ?? "(none)";
  if (rule.endsWith("ByPreflightResponse")) {
    const name = rule.startsWith("Method") ? "Access-Control-Allow-Methods" : "Access-Control-Allow-Headers";
    const needed = rule.startsWith("Method") ? request.method : request.unsafeHeaders.join(", ");
    return ` It sent ${name}: ${shown(name)}; it would have to list ${needed}.`;
  }
  if (rule.endsWith("InvalidStatus"))
    return ` It answered the preflight ${answer?.kind === "answer" ? answer.answer.status : "?"}; a preflight needs a 2xx status.`;
  const origin = `Access-Control-Allow-Origin: ${shown("Access-Control-Allow-Origin")}`;
  const credentials = request.credentials
    ? `, Access-Control-Allow-Credentials: ${shown("Access-Control-Allow-Credentials")}`
    : "";
  const needed = `Access-Control-Allow-Origin: ${request.origin}${request.credentials ? ", Access-Control-Allow-Credentials: true" : ""}`;
  return ` It sent ${origin}${credentials}; to let this page read it, it would have to send ${needed}.`;
}

function hintFor(result: PairResult, server: ServerView | undefined, asking: Asking): string | undefined {
  const { page, got, expected } = result;
  const origin = new URL(result.target).origin;
  if (got.result === "allowed") {
    return `A page from ${page} could read your API's answer, but you said it should not (--not-from): does your API check the Origin against a list of exact origins, or let any page in?`;
  }
  if (got.cause === "cors") {
    const rule =
      got.explained !== undefined && isCorsRule(got.explained)
        ? got.explained
        : isCorsRule(got.reason)
          ? got.reason
          : undefined;
    const request = asking.request(page);
    // The headers the preflight's answer left out, to name just those.
    const missing =
      server && rule === "HeaderDisallowedByPreflightResponse" ? notAllowed(server, request) : [];
    const named = missing.length > 0 ? { ...request, unsafeHeaders: missing } : request;
    const words = rule
      ? explainRule(rule, page, origin, named) + (server ? sentAndNeeded(rule, server, request) : "")
      : `The browser blocked it: ${got.reason}${got.rule ? ` (${got.rule})` : ""}.`;
    return expected.expect === "allowed" ? `${words} You said this page should be allowed (--from).` : words;
  }
  if (got.cause === "local-network")
    return `${got.reason}. That is Local Network Access, not CORS: no header of your API changes it.`;
  return `${got.reason}.`;
}
