import type { Response } from "express";
import { CONSOLE, type RequestKind } from "../../shared/src/console-contract.ts";
import { escapeHtml } from "../../shared/src/html.ts";
import type { LabOrigins } from "../../shared/src/lab-origins.ts";
import type { LinkedPolicyStatus } from "../../shared/src/policy-protocol.ts";
import type { LoggedRequest } from "./request-log.ts";

// The console fetches other origins, so connect-src stays open; everything else is this origin only.
export const PAGE_CSP =
  "default-src 'self'; connect-src *; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The guide's pages draw Mermaid diagrams, whose SVG carries style elements of its own; nothing on
// those pages comes from a request.
export const GUIDE_CSP = PAGE_CSP.replace(
  "default-src 'self'",
  "default-src 'self'; style-src 'self' 'unsafe-inline'",
);

/** A page of the app: always fresh, and under a Content-Security-Policy. */
export function sendPage(res: Response, html: string, csp = PAGE_CSP): void {
  res.set("Content-Security-Policy", csp).set("Cache-Control", "no-store").type("html").send(html);
}

/** The frame every page shares; `title` is escaped here, `body` and `head` must already be safe HTML. */
export function layout(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/style.css">
${head}</head>
<body>
<nav class="site"><a href="/">Request console</a> <a href="/requests">Request log</a> <a href="/lab">Guide</a></nav>
<main>
${body}
</main>
</body>
</html>
`;
}

// A sandboxed document has an opaque origin, so its requests say `Origin: null` (step 10's attacker).
// Forms and scripts still run; the console's script is a classic one, fetched without CORS, because
// a module script would itself need Access-Control-Allow-Origin from the app.
export const SANDBOXED_CSP = `${PAGE_CSP}; sandbox allow-scripts allow-forms`;

// Chromium's directive that makes a document count as a public website's, whatever address served
// it (issue #23): its requests to local and loopback addresses then meet Local Network Access.
// Other browsers ignore the directive they do not know.
export const PUBLIC_CSP = `${PAGE_CSP}; treat-as-public-address`;

export interface PageContext {
  /** The origin this page was served from, as the browser sees it (scheme + Host header). */
  readonly servedFrom: string;
  readonly origins: LabOrigins;
  /** Served with SANDBOXED_CSP: the page's own origin is `null`. */
  readonly sandboxed?: boolean;
  /** Served with PUBLIC_CSP: the page plays a public website's (step 11). */
  readonly public?: boolean;
  /** Whether this browser is signed in as the victim on this page's site (step 10). */
  readonly signedIn?: boolean;
  /** The page is the sign-in's answer: a cookie was set just now. */
  readonly justSignedIn?: boolean;
  /** What the session cookie of this origin says (issue #20): SameSite=Lax, or None with Secure. */
  readonly cookieAttributes?: string;
}

/** Sign in as the victim, or out: one button, no password (issue #12). */
function victim({ servedFrom, signedIn, justSignedIn, cookieAttributes = "" }: PageContext): string {
  const where = `<code>${escapeHtml(servedFrom)}</code>`;
  const cookie = `<code>lab_session</code> (<code>${escapeHtml(cookieAttributes)}</code>)`;
  // A browser may refuse the cookie: WebKit keeps no Secure cookie on http://localhost (issue #20).
  const refused =
    justSignedIn && !signedIn
      ? `<p id="${CONSOLE.signIn.refused}" role="alert">This browser did not keep the session cookie it was just sent, ${cookie}. Safari and other WebKit browsers keep no <code>Secure</code> cookie on plain <code>http://localhost</code>; a browser set to block cookies refuses any. Sign in on another of the lab's origins, or in another browser.</p>\n`
      : "";
  const form = (action: string, label: string) =>
    `<form method="post" action="${action}" class="inline"><button id="${action.slice(1)}" type="submit">${label}</button></form>`;
  return `<section aria-labelledby="victim-title">
<h2 id="victim-title">The victim</h2>
${refused}${
  signedIn
    ? `<p id="${CONSOLE.signIn.signedIn}">This browser is signed in as the victim on ${where}: it holds the session cookie ${cookie}, and <code>/me</code> here answers the victim's secret. ${form("/sign-out", "Sign out")}</p>`
    : `<p id="signed-out">Nobody is signed in on ${where}. ${form("/sign-in", "Sign in as the victim")} (no password: the lab plays both you and the victim). The session cookie it sets is ${cookie}.</p>`
}
</section>`;
}

/**
 * Where the page says it comes from, and what that origin means for the guide; `origin` is the
 * page's own (`null` when sandboxed).
 */
function describeOrigin(
  { servedFrom, origins, sandboxed, public: isPublic }: PageContext,
  origin: string,
): string {
  if (isPublic) {
    return `<p>This page was served from <code id="${CONSOLE.ids.servedFrom}">${escapeHtml(origin)}</code> with <code>Content-Security-Policy: treat-as-public-address</code>: to Chrome it is a page of a public website, whose requests to the lab's local addresses need your permission (Local Network Access, step 11 of the guide). Other browsers ignore the directive.</p>`;
  }
  const from = `<code id="${CONSOLE.ids.servedFrom}">${escapeHtml(origin)}</code>`;
  if (sandboxed) {
    return `<p>This page is sandboxed: it came from <code>${escapeHtml(servedFrom)}</code>, but its origin is ${from}.
In step 10 of the guide it plays an attacker's page, like any sandboxed frame or local file whose requests say <code>Origin: null</code>.</p>`;
  }
  const stranger = origins.lab.includes(servedFrom)
    ? ""
    : `\n<p class="attacker">${from} is not one of the lab's origins: in step 10 of the guide it plays an attacker's site.</p>`;
  return `<p>This page was served from ${from}.</p>${stranger}`;
}

function targetOption(origin: string, servedFrom: string): string {
  const note = origin === servedFrom ? " (this page's origin)" : "";
  return `<option value="${escapeHtml(origin)}">${escapeHtml(origin + note)}</option>`;
}

const KIND_LABELS: Readonly<Record<RequestKind, string>> = {
  simple: "GET, a simple request",
  preflight: "PUT with JSON and an X-Lab-Token header (preflighted)",
  credentialed: "GET with credentials (cookies)",
};

/** The home page: where the page came from, and a console that fetches another origin's /headers. */
export function renderHomePage(context: PageContext): string {
  const labOrigins = context.origins.lab;
  const { ids } = CONSOLE;
  // The page's own origin: what the browser puts in Origin for its requests.
  const servedFrom = context.sandboxed ? "null" : context.servedFrom;
  const others = labOrigins.filter((origin) => origin !== servedFrom);
  const firstTarget = others[0] ?? labOrigins[0] ?? servedFrom;
  const ordered = [firstTarget, ...labOrigins.filter((origin) => origin !== firstTarget)];
  return layout(
    `cors-lab · ${servedFrom}`,
    `<h1>cors-lab</h1>
${describeOrigin(context, servedFrom)}
<p>The same app answers at ${labOrigins.map((origin) => `<code>${escapeHtml(origin)}</code>`).join(", ")}.
To the browser, each of those is a different origin.</p>

<section aria-labelledby="console-title">
<h2 id="console-title">Request console</h2>
<form id="${ids.form}" data-origin-set="${context.origins.set}"${context.public ? ' data-public="true"' : ""}>
<label for="${ids.path}">Fetch</label>
<select id="${ids.path}" name="path">
${CONSOLE.paths.map((path) => `<option value="${path}">${path}</option>`).join("\n")}
</select>
<label for="${ids.target}">from</label>
<select id="${ids.target}" name="target">
${ordered.map((origin) => targetOption(origin, servedFrom)).join("\n")}
</select>
<label for="${ids.kind}">as</label>
<select id="${ids.kind}" name="kind">
${CONSOLE.kinds.map((kind) => `<option value="${kind}">${escapeHtml(KIND_LABELS[kind])}</option>`).join("\n")}
</select>
<button id="${ids.send}" type="submit">Send request</button>
</form>
<p id="${ids.outcome}" role="status" aria-live="polite" data-${CONSOLE.data.state}="${CONSOLE.states.idle}">No request sent yet.</p>
<pre id="${ids.response}" hidden></pre>
</section>

<p class="hint">The request console runs <code>fetch(target + path)</code> from this page, as any script on it could.
When the browser blocks the response, the console says which rule of the CORS check failed, from the app's own record
of the request (DevTools' Console, F12, says it too). The <a href="/requests">request log</a> shows what the app received meanwhile.</p>
${context.sandboxed ? "" : victim(context)}`,
    `<script src="/console.js" defer></script>\n`,
  );
}

/** Which policy answers, and whether the file's latest save loaded: a learner's first question. */
function describePolicy(policy: LinkedPolicyStatus): string {
  const file = `<code>${escapeHtml(policy.file)}</code>`;
  const source = {
    file: `The CORS policy in force is ${file}'s, loaded at ${escapeHtml(policy.loadedAt?.slice(11, 19) ?? "?")} UTC.`,
    env: `${file} exports <code>null</code>: the CORS policy in force comes from the <code>CORS_*</code> variables.`,
    none: "No CORS policy is in force: the app sends no Access-Control-* header.",
  }[policy.source];
  const problem = policy.notLoaded
    ? `\n<p class="policy-failed" id="policy-not-loaded">Your latest save of ${file} did not load: ${escapeHtml(
        policy.notLoaded.problem,
      )}${policy.notLoaded.where ? ` (${escapeHtml(policy.notLoaded.where)})` : ""}. The previous policy stays in force.</p>`
    : "";
  const sandbox = policy.sandbox.linked
    ? ""
    : `\n<p class="policy-failed" id="policy-sandbox-down">The policy sandbox, which runs ${file}, is not running: every request to the lab's API fails until it is back (<code>docker compose up -d policy</code>).</p>`;
  return `<p id="policy-status">${source}</p>${problem}${sandbox}`;
}

const cell = (value: string | undefined) =>
  value === undefined ? "<td></td>" : `<td><code>${escapeHtml(value)}</code></td>`;

/** The request log: what the app received and answered, newest first. Every value is escaped. */
export function renderRequestLog(
  entries: readonly LoggedRequest[],
  capacity: number,
  policy: LinkedPolicyStatus,
): string {
  const rows = entries.map((entry) => {
    // Each CORS line of the answer as it went, a repeated one twice: what the browser judged.
    const answered =
      entry.policyFailure ??
      entry.answered
        .filter(([name]) => /^(access-control-|vary$)/i.test(name))
        .map(([name, value]) => `${name}: ${value}`)
        .join("\n");
    const classes = [entry.preflight ? "preflight" : "", entry.policyFailure ? "policy-failed" : ""]
      .join(" ")
      .trim();
    const lines = (title: string, list: LoggedRequest["received"]) =>
      `<p>${title}</p><pre>${escapeHtml(list.map(([name, value]) => `${name}: ${value}`).join("\n") || "(none)")}</pre>`;
    return `<tr${classes ? ` class="${classes}"` : ""}>
<td>${escapeHtml(entry.at.slice(11, 23))}</td>${cell(entry.preflight ? "OPTIONS (preflight)" : entry.method)}${cell(entry.path)}${cell(entry.host)}${cell(entry.origin)}${cell(
      [entry.accessControlRequestMethod, entry.accessControlRequestHeaders]
        .filter((v) => v !== undefined)
        .join(" / ") || undefined,
    )}<td>${entry.status}</td><td><pre>${escapeHtml(answered || "(none)")}</pre><details class="header-lines"><summary>every header line</summary>${lines("received", entry.received)}${lines(`answered ${entry.status}`, entry.answered)}</details></td>
</tr>`;
  });
  return layout(
    "cors-lab · request log",
    `<h1>Request log</h1>
<p>The last ${capacity} requests the app received, newest first, and the CORS headers it answered
with. A request the browser blocked is here too: it reached the app, and only its response was
withheld from the page. Also as JSON: <a href="/requests.json"><code>/requests.json</code></a>.</p>
${describePolicy(policy)}
<p><a href="/requests">Refresh</a></p>
<table id="request-log">
<thead><tr><th>time (UTC)</th><th>method</th><th>path</th><th>Host</th><th>Origin</th><th>preflight asks (method / headers)</th><th>status</th><th>CORS headers answered</th></tr></thead>
<tbody>
${rows.join("\n") || '<tr><td colspan="8">No requests yet.</td></tr>'}
</tbody>
</table>`,
  );
}
