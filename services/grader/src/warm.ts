// The warm grader (issue #11): the grader as a long-lived service in the lab's Compose project, with
// Chromium started once. It listens on 127.0.0.1 inside the app's network namespace, which it
// shares: only the app and the grader's own containers reach it, nothing outside. Each request is
// one run of the grader, argv and all, with the same verdicts, reasons, hints and reports as the
// command line; one run at a time, a few waiting, and a clear "busy" for any more.
import http from "node:http";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { type Env, readInteger, readString } from "../../shared/src/env.ts";
import { readLabOrigins } from "../../shared/src/lab-origins.ts";
import { createLogger, type Logger } from "../../shared/src/log.ts";
import { closeOnSignal, exitOnStartupError } from "../../shared/src/shutdown.ts";
import {
  askWarmGrader,
  type CheckView,
  IDENTITY,
  type WarmAnswer,
  type WarmRequest,
} from "../../shared/src/warm-grader.ts";
import type { BrowserProbe } from "./browser-probe.ts";
import { type GraderConfig, readGraderConfig } from "./config.ts";
import type { EngineName } from "./engines/engine.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import type { LabClient } from "./lab-client.ts";
import { becomeOwnerOf } from "./report-owner.ts";
import { type BrowserSource, OWN_BROWSER, runGrader, type Terminal } from "./run.ts";
import { checkView } from "./terminal.ts";

/** A grading request is a few arguments; anything larger is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** Runs waiting for the browser beyond the one being graded; any more are told the grader is busy. */
const WAITING = 3;

/**
 * One Chromium for every run, started when the first one asks and again if it ever dies. The warm
 * grader runs in the grader image, which has Chromium alone: any other engine is started per run,
 * and so fails with the command line's words (issue #14).
 */
function sharedBrowser(): BrowserSource {
  let running: Promise<BrowserProbe> | undefined;
  return {
    acquire: async (config: GraderConfig, client: LabClient, engine: EngineName) => {
      if (engine !== "chromium") return OWN_BROWSER.acquire(config, client, engine);
      const probe = running ? await running.catch(() => undefined) : undefined;
      if (probe?.connected) return probe;
      running = OWN_BROWSER.acquire(config, client, engine);
      return running;
    },
    release: async () => {},
  };
}

export function warmGrader(env: Env, log: Logger): http.Server {
  const { appPort } = readLabOrigins(env);
  const browsers = sharedBrowser();
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  const grade = async (request: WarmRequest): Promise<WarmAnswer> => {
    const out: string[] = [];
    const err: string[] = [];
    const views: CheckView[] = [];
    const code = await runGrader(
      request.argv,
      { ...env, ...request.identity },
      { out: (text) => void out.push(text), err: (text) => void err.push(text) },
      { browsers, onReports: (reports) => void views.push(...reports.map(checkView)) },
    );
    return { code, out: out.join(""), err: err.join(""), views };
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
      // The browser went away mid-run, most likely: an answer the asker can show, and the next run
      // starts another.
      const message = (error as Error).message.split("\n")[0] ?? "";
      log.error("grading failed", { error: message });
      const failed: WarmAnswer = {
        code: EXIT.browser,
        out: "",
        err: `grader: the run stopped: ${message}\n`,
        views: [],
      };
      reply(200, failed);
    }
  });
}

function parseRequest(data: unknown): WarmRequest {
  const { argv, identity } = (data ?? {}) as { argv?: unknown; identity?: unknown };
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === "string"))
    throw new Error("argv must be strings");
  const identityEntries = Object.entries((identity ?? {}) as Record<string, unknown>).filter(
    ([name, value]) => (IDENTITY as readonly string[]).includes(name) && typeof value === "string",
  ) as [string, string][];
  return { argv, identity: Object.fromEntries(identityEntries) };
}

/** How long the command line waits for the warm grader's run (a whole class's worst policy included). */
const WARM_TIMEOUT_MS = 600_000;

/**
 * The command line: the warm grader runs it when one is up and free, with the same verdicts and
 * reports; otherwise it runs here, with a Chromium of its own.
 */
export async function runAnywhere(argv: readonly string[], env: Env, terminal: Terminal): Promise<ExitCode> {
  let port = 0;
  try {
    // Usage and configuration mistakes are told here, without a trip to the warm grader.
    port = readGraderConfig(argv, env)?.servicePort ?? 0;
  } catch {
    // runGrader tells them, in the same words as always.
  }
  // An expectations file is in this container, which the warm grader may not have.
  if (port > 0 && !argv.some((arg) => arg.split("=")[0] === "--expect")) {
    const identity = Object.fromEntries(
      IDENTITY.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
    );
    const reply = await askWarmGrader(port, { argv, identity }, WARM_TIMEOUT_MS);
    if (reply.kind === "answered") {
      terminal.out(reply.answer.out);
      terminal.err(reply.answer.err);
      return reply.answer.code as ExitCode;
    }
  }
  return runGrader(argv, env, terminal);
}

/** `grader --serve`: the warm grader, until SIGTERM. */
export function serveWarmGrader(env: Env): void {
  const log = createLogger("grader");
  let port: number;
  try {
    port = readInteger(env, "GRADER_SERVICE_PORT", DEFAULTS.GRADER_SERVICE_PORT, 1, 65535);
  } catch (error) {
    exitOnStartupError("warm grader", error);
  }
  becomeOwnerOf(readString(env, "REPORT_DIR", "reports"));
  let server: http.Server;
  try {
    server = warmGrader(env, log);
  } catch (error) {
    exitOnStartupError("warm grader", error);
  }
  server.on("error", (error) => exitOnStartupError("warm grader", error));
  server.listen(port, "127.0.0.1", () => log.info("warm grader listening", { address: `127.0.0.1:${port}` }));
  closeOnSignal(server, log);
}
