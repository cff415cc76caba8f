// "Check your own API" (issue #25): a form in the lab's pages that hands `--api URL` to the warm
// grader, whose browsers call the student's API from the page origins they name and say, pair by
// pair, what the browser allowed or blocked and why. The same check as `npm run grade -- --api`;
// only the page's own origin may ask, as for the Check button.
import express, { type Request, type RequestHandler } from "express";
import { escapeHtml } from "../../shared/src/html.ts";
import { askWarmGrader, type WarmReply } from "../../shared/src/warm-grader.ts";
import { refusedFromElsewhere, renderView, START_GRADER } from "./check-button.ts";
import { layout } from "./page.ts";

/** A run of several page origins and kinds in a browser: the app waits this long for it. */
const CHECK_TIMEOUT_MS = 120_000;
const KINDS = [
  ["simple", "a simple GET"],
  ["preflight", "the preflighted request below"],
  ["credentialed", "a GET with credentials (cookies)"],
] as const;

export interface OwnApiAsked {
  readonly api: string;
  readonly from: string;
  readonly kinds: readonly string[];
  readonly method: string;
  readonly headers: string;
}

const EMPTY: OwnApiAsked = {
  api: "http://localhost:5000/api/items",
  from: "http://localhost:5173",
  kinds: ["simple"],
  method: "PUT",
  headers: "Content-Type: application/json",
};

/** The grader's arguments for what the form asked; the form's fields are strings, or absent. */
export function argvOf(asked: OwnApiAsked): string[] {
  const headers = asked.headers
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return [
    "--api",
    asked.api.trim(),
    ...(asked.from.trim() === "" ? [] : ["--from", asked.from.trim()]),
    "--kinds",
    asked.kinds.length > 0 ? asked.kinds.join(",") : "simple",
    ...(asked.kinds.includes("preflight")
      ? ["--method", asked.method.trim() || "PUT", ...headers.flatMap((header) => ["--header", header])]
      : []),
  ];
}

/** A shell word for the command line the form stands for. */
const quoted = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

export function renderOwnApiPage(asked: OwnApiAsked, result = ""): string {
  const kinds = KINDS.map(
    ([kind, words]) =>
      `<label><input type="checkbox" name="kinds" value="${kind}"${asked.kinds.includes(kind) ? " checked" : ""}> ${escapeHtml(words)}</label>`,
  ).join("\n");
  const command = `npm run grade -- ${argvOf(asked).map(quoted).join(" ")}`;
  return layout(
    "cors-lab · Check your own API",
    `<h1>Check your own API</h1>
<p>The lab's browsers call your API from pages of the origins you name, and say what each browser allowed or blocked, and why, with the header your API sent and the one it would have to send. Your front end need not run: the grader gives each page origin a page of its own. From the grader's container your machine is <code>host.docker.internal</code>: <code>http://localhost:PORT</code> below means your machine's port, and your API must listen on all addresses (<code>0.0.0.0</code>), not only <code>127.0.0.1</code>.</p>
<form method="post" action="/lab/own-api#result" class="own-api">
<p><label for="api">Your API's URL</label><br><input id="api" name="api" type="url" size="60" required value="${escapeHtml(asked.api)}"></p>
<p><label for="from">Page origins your API should let read it (commas)</label><br><input id="from" name="from" size="60" value="${escapeHtml(asked.from)}"></p>
<fieldset><legend>Requests</legend>
${kinds}
</fieldset>
<p><label for="method">Preflighted request's method</label> <input id="method" name="method" size="8" value="${escapeHtml(asked.method)}"></p>
<p><label for="headers">Its headers, one per line</label><br><textarea id="headers" name="headers" rows="3" cols="58">${escapeHtml(asked.headers)}</textarea></p>
<p><button type="submit" id="check-api">Check my API</button></p>
</form>
<p>The same from a terminal: <code>${escapeHtml(command)}</code></p>
<section id="result" aria-live="polite">${result}</section>`,
  );
}

/** The result part of the page, and the status the page is answered with. */
function renderApiReply(reply: WarmReply): { status: number; html: string } {
  const box = (state: string, inner: string) =>
    `<div id="check-result" class="check-result" data-state="${state}" role="status">\n${inner}</div>\n`;
  if (reply.kind === "absent")
    return {
      status: 503,
      html: box(
        "absent",
        `<p>Nothing was checked: the grader is not running. Start it beside the lab with <code>${START_GRADER}</code>, or run the command above.</p>\n`,
      ),
    };
  if (reply.kind === "busy")
    return {
      status: 503,
      html: box("busy", `<p>Nothing was checked yet: ${escapeHtml(reply.message)}.</p>\n`),
    };
  const { answer } = reply;
  if (answer.views.length === 0)
    return {
      status: 200,
      html: box("error", `<pre>${escapeHtml((answer.err || answer.out).trim())}</pre>\n`),
    };
  const passed = answer.views.every((view) => view.passed);
  return { status: 200, html: box(passed ? "passed" : "failed", answer.views.map(renderView).join("\n")) };
}

function askedOf(req: Request): OwnApiAsked {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (value: unknown, limit: number) => (typeof value === "string" ? value.slice(0, limit) : "");
  const kinds = [body.kinds].flat().filter((kind): kind is string => typeof kind === "string");
  return {
    api: text(body.api, 2000),
    from: text(body.from, 2000),
    kinds: KINDS.map(([kind]) => kind).filter((kind) => kinds.includes(kind)),
    method: text(body.method, 20),
    headers: text(body.headers, 4000),
  };
}

export interface OwnApiOptions {
  readonly graderPort: number;
  readonly servedFrom: (req: Request) => string;
  readonly send: (res: express.Response, status: number, html: string) => void;
}

export function ownApiHandlers({ graderPort, servedFrom, send }: OwnApiOptions): {
  page: RequestHandler;
  check: RequestHandler[];
} {
  return {
    page: (_req, res) => send(res, 200, renderOwnApiPage(EMPTY)),
    check: [
      express.urlencoded({ extended: false, limit: "16kb" }),
      async (req, res) => {
        const why = "Your API is checked only from this page on the lab.";
        if (refusedFromElsewhere(req, res, servedFrom(req), why)) return;
        const asked = askedOf(req);
        const reply: WarmReply =
          graderPort === 0
            ? { kind: "absent", reason: "GRADER_SERVICE_PORT is 0" }
            : await askWarmGrader(graderPort, { argv: argvOf(asked), identity: {} }, CHECK_TIMEOUT_MS);
        const { status, html } = renderApiReply(reply);
        send(res, status, renderOwnApiPage(asked, html));
      },
    ],
  };
}
