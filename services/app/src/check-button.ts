// The Check button of every step page (issue #11): a plain form that POSTs to /lab/N/check, where the
// app asks the warm grader (services/grader/src/warm.ts) to grade step N and answers the step's page
// with the result in it, so it works without JavaScript. Only the page's own origin may ask: a check
// is a POST that makes the lab do work and writes the student's report, the kind of request step 10
// teaches a server to refuse from other origins, same-site ones included.
import type { Request, RequestHandler, Response } from "express";
import { escapeHtml } from "../../shared/src/html.ts";
import { askWarmGrader, type CheckView, type WarmReply } from "../../shared/src/warm-grader.ts";

/** Where the result goes in a step's page (guide.ts leaves this mark). */
export const CHECK_MARK = "<!-- check -->";

/** How long the app waits for a check, a few queued before it included. */
const CHECK_TIMEOUT_MS = 60_000;

export const START_GRADER = "docker compose --profile check up -d";

/**
 * Why a check request is refused, or undefined when it comes from the page's own origin. Browsers
 * say where a request comes from in Sec-Fetch-Site (Fetch Metadata) and, on a POST, in Origin; a
 * client that sends neither (curl) is no browser page, so no other site is acting through it.
 */
export function crossOriginRefusal(req: Request, ownOrigin: string): string | undefined {
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `this request came from another ${site === "same-site" ? "origin of the same site" : "site"} (Sec-Fetch-Site: ${site}${origin ? `, Origin: ${origin}` : ""})`;
  }
  if (origin !== undefined && origin !== ownOrigin) {
    return `this request came from ${origin}, not from ${ownOrigin}`;
  }
  return undefined;
}

/**
 * Answers 403 with the reason when the request comes from another origin than the page's own, and
 * says whether it did: each POST of the lab's pages that makes the lab act asks this first.
 */
export function refusedFromElsewhere(req: Request, res: Response, ownOrigin: string, why: string): boolean {
  const refusal = crossOriginRefusal(req, ownOrigin);
  if (refusal === undefined) return false;
  res.status(403).type("text/plain").send(`Refused: ${refusal}. ${why}\n`);
  return true;
}

/**
 * The section under a step's text: the Check button, the "Check in this browser" button (issue
 * #24, shown by its script, since it needs one), and the last result when there is one.
 */
export function checkSection(step: number, result = ""): string {
  return `<section id="check" aria-labelledby="check-title" data-step="${step}">
<h2 id="check-title">Check this step</h2>
<p>The lab's grader opens each page origin in a real Chromium, makes this step's request from it to every lab origin, and compares what the browser allowed or blocked with what the step expects: the same check as <code>npm run grade -- --step ${step}</code>.</p>
<form method="post" action="/lab/${step}/check#check"><button type="submit" id="check-step">Check step ${step}</button></form>
${result}<div id="in-browser" hidden>
<p>Or let this browser check it, with no grader: it opens one window, visits each page origin of the step in it, makes the step's requests there, and shows here what this browser allowed or blocked, and why.</p>
<p><button type="button" id="check-in-browser">Check in this browser</button></p>
<div id="in-browser-result" role="status" aria-live="polite"></div>
</div>
<script src="/check-in-browser.js" defer></script>
</section>`;
}

/** A check's result as a table with its hints: the Check button's, and the own-API page's. */
export function renderView(view: CheckView): string {
  const head = [...view.columns, ""].map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join("");
  const rows = view.rows
    .map(
      (row) =>
        `<tr class="${row.pass ? "ok" : "mismatch"}">${row.cells
          .map((cell) => `<td>${escapeHtml(cell)}</td>`)
          .join("")}<td>${row.pass ? "ok" : "MISMATCH"}</td></tr>`,
    )
    .join("\n");
  const hints =
    view.hints.length === 0
      ? ""
      : `<h3>What to look at</h3>\n<ul class="check-hints">${view.hints.map((hint) => `<li>${escapeHtml(hint)}</li>`).join("")}</ul>\n`;
  return `<p class="check-verdict"><strong>${view.passed ? "Passed" : "Not yet"}:</strong> ${escapeHtml(view.summary)}</p>
<p class="hint">${escapeHtml(view.title)}. ${escapeHtml(view.heading)}.</p>
<table class="check-pairs"><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>
${hints}`;
}

/** The result part of the section, and the status the page is answered with. */
export function renderReply(reply: WarmReply, step: number): { status: number; html: string } {
  const box = (state: string, inner: string) =>
    `<div id="check-result" class="check-result" data-state="${state}" role="status">\n${inner}</div>\n`;
  if (reply.kind === "absent") {
    return {
      status: 503,
      html: box(
        "absent",
        `<p>Nothing was checked: the grader is not running. Start it beside the lab with <code>${START_GRADER}</code>, then press the button again; or check from a terminal with <code>npm run grade -- --step ${step}</code>.</p>\n`,
      ),
    };
  }
  if (reply.kind === "busy") {
    return {
      status: 503,
      html: box("busy", `<p>Nothing was checked yet: ${escapeHtml(reply.message)}.</p>\n`),
    };
  }
  const { answer } = reply;
  const view = answer.views[0];
  if (view === undefined) {
    // The grader stopped before it checked anything (the lab unreachable, say): its own words.
    return {
      status: 200,
      html: box("error", `<pre>${escapeHtml((answer.err || answer.out).trim())}</pre>\n`),
    };
  }
  return { status: 200, html: box(view.passed ? "passed" : "failed", renderView(view)) };
}

export interface CheckOptions {
  /** The warm grader's port on 127.0.0.1; 0: none is asked. */
  readonly graderPort: number;
  /** The origin a request was sent to, as the browser sees it. */
  readonly servedFrom: (req: Request) => string;
  /** The step's page, CHECK_MARK where the section goes; undefined when there is no such step (or no guide, answered). */
  readonly page: (req: Request, res: Response) => Promise<string | undefined>;
  readonly send: (res: Response, status: number, html: string) => void;
}

/** POST /lab/:step/check: the step's page, with the grader's result in its check section. */
export function checkHandler({ graderPort, servedFrom, page, send }: CheckOptions): RequestHandler {
  return async (req, res) => {
    const why =
      "A step is checked only from its own page on the lab: a POST that makes a server act must come from its own origin (step 10 of the guide).";
    if (refusedFromElsewhere(req, res, servedFrom(req), why)) return;
    const stepPage = await page(req, res);
    if (stepPage === undefined) {
      if (!res.headersSent)
        res.status(404).type("text/plain").send(`There is no step ${req.params.step} to check: see /lab\n`);
      return;
    }
    const step = Number(req.params.step);
    const reply: WarmReply =
      graderPort === 0
        ? { kind: "absent", reason: "GRADER_SERVICE_PORT is 0" }
        : await askWarmGrader(graderPort, { argv: ["--step", String(step)], identity: {} }, CHECK_TIMEOUT_MS);
    const { status, html } = renderReply(reply, step);
    send(res, status, stepPage.replace(CHECK_MARK, checkSection(step, html)));
  };
}
