// The warm grader (issue #11): the grader as a long-lived service in the lab's Compose project, with
// Chromium started once. It listens on 127.0.0.1 inside the app's network namespace, which it
// shares: only the app and the grader's own containers reach it, never the policy sandbox, which has
// no network (issue #19). Each request is one run: what to check and in which browser, nothing more;
// the answer carries the run's report files for the asker to write. One run at a time, a few
// waiting, and a clear "busy" for any more.
import http from "node:http";
import { parseArgs } from "node:util";
import type { Env } from "../../../shared/src/env.ts";
import { readLabOrigins } from "../../../shared/src/lab-origins.ts";
import type { Logger } from "../../../shared/src/log.ts";
import {
  type CheckView,
  IDENTITY,
  WARM_OPTIONS,
  type WarmAnswer,
  type WarmRequest,
} from "../../../shared/src/warm-grader.ts";
import { GRADER_OPTIONS } from "../config.ts";
import { EXIT } from "../exit-codes.ts";
import { checkView } from "../report/check-view.ts";
import { runGrader } from "../run.ts";
import { sharedBrowser } from "./shared-browser.ts";

/** A grading request is a few arguments; anything larger is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** Runs waiting for the browser beyond the one being graded; any more are told the grader is busy. */
const WAITING = 3;

export function warmGrader(env: Env, log: Logger): http.Server {
  const { appPort } = readLabOrigins(env);
  const browsers = sharedBrowser();
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  const grade = async (request: WarmRequest): Promise<WarmAnswer> => {
    const out: string[] = [];
    const err: string[] = [];
    const views: CheckView[] = [];
    let files: WarmAnswer["files"] = {};
    const code = await runGrader(
      request.argv,
      { ...env, ...request.identity },
      { out: (text) => void out.push(text), err: (text) => void err.push(text) },
      {
        browsers,
        onGraded: (run) => void views.push(...run.checks.flatMap((check) => check.reports.map(checkView))),
        handOver: (handed) => {
          files = handed;
        },
      },
    );
    return { code, out: out.join(""), err: err.join(""), views, files };
  };

  return http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "GET" && req.url === "/healthz") {
      // Healthy only beside the app: recreated without this container, the app has a network
      // namespace of its own, and the Check button can no longer reach the grader.
      const beside = await fetch(`http://127.0.0.1:${appPort}/healthz`, { signal: AbortSignal.timeout(2000) })
        .then((answer) => answer.ok)
        .catch(() => false);
      return beside
        ? reply(200, { ok: true })
        : reply(503, {
            error: `the app does not answer on 127.0.0.1:${appPort}; recreate this service beside it`,
          });
    }
    if (req.method !== "POST" || req.url !== "/grade")
      return reply(404, { error: "POST /grade or GET /healthz" });
    let request: WarmRequest;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_REQUEST_BYTES) throw new Error(`more than ${MAX_REQUEST_BYTES} bytes`);
        chunks.push(chunk as Buffer);
      }
      request = parseRequest(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch (error) {
      return reply(400, { error: `not a grading request: ${(error as Error).message}` });
    }
    if (waiting >= WAITING) {
      return reply(503, {
        error: `the grader is busy: ${waiting} checks are waiting; try again in a few seconds`,
      });
    }
    waiting += 1;
    const turn = queue.then(() => {
      waiting -= 1;
      return grade(request);
    });
    queue = turn.catch(() => undefined);
    try {
      const answer = await turn;
      log.info("graded", { argv: request.argv.join(" "), code: answer.code });
      reply(200, answer);
    } catch (error) {
      // The browser went away mid-run, or the grader itself failed: an answer the asker can show,
      // and the next run starts afresh.
      const message = (error as Error).message.split("\n")[0] ?? "";
      const browserGone = !browsers.connected;
      log.error("grading failed", { error: message, browserGone });
      const failed: WarmAnswer = {
        code: browserGone ? EXIT.browser : EXIT.crashed,
        out: "",
        err: `grader: ${browserGone ? "the browser went away during the run" : "the grader failed"}: ${message}\n`,
        views: [],
        files: {},
      };
      reply(200, failed);
    }
  });
}

/** A run's arguments, only those WARM_OPTIONS allows, and who is graded. */
/** The grader's own options (config.ts), those the warm grader takes (WARM_OPTIONS) alone. */
const WARM_PARSE_OPTIONS = Object.fromEntries(
  WARM_OPTIONS.map((flag) => [flag.slice(2), GRADER_OPTIONS[flag.slice(2) as keyof typeof GRADER_OPTIONS]]),
) as Partial<typeof GRADER_OPTIONS>;

export function parseRequest(data: unknown): WarmRequest {
  const { argv, identity } = (data ?? {}) as { argv?: unknown; identity?: unknown };
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === "string"))
    throw new Error("argv must be strings");
  try {
    parseArgs({
      args: argv,
      options: WARM_PARSE_OPTIONS,
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new Error(
      `the warm grader takes ${WARM_OPTIONS.join(", ")} and nothing else (${(error as Error).message})`,
    );
  }
  const identityEntries = Object.entries((identity ?? {}) as Record<string, unknown>).filter(
    ([name, value]) => (IDENTITY as readonly string[]).includes(name) && typeof value === "string",
  ) as [string, string][];
  return { argv, identity: Object.fromEntries(identityEntries) };
}
