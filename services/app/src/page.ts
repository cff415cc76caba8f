import { escapeHtml } from "./html.ts";

export interface PageContext {
  /** The origin this page was served from, as the browser sees it (scheme + Host header). */
  readonly servedFrom: string;
  readonly labOrigins: readonly string[];
}

function targetOption(origin: string, servedFrom: string): string {
  const note = origin === servedFrom ? " (this page's origin)" : "";
  return `<option value="${escapeHtml(origin)}">${escapeHtml(origin + note)}</option>`;
}

/** The home page: where the page came from, and a console that fetches another origin's /headers. */
export function renderHomePage({ servedFrom, labOrigins }: PageContext): string {
  const others = labOrigins.filter((origin) => origin !== servedFrom);
  const firstTarget = others[0] ?? labOrigins[0] ?? servedFrom;
  const ordered = [firstTarget, ...labOrigins.filter((origin) => origin !== firstTarget)];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cors-lab · ${escapeHtml(servedFrom)}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
<h1>cors-lab</h1>
<p>This page was served from <code id="served-from">${escapeHtml(servedFrom)}</code>.</p>
<p>The same app answers at ${labOrigins.map((origin) => `<code>${escapeHtml(origin)}</code>`).join(", ")}.
To the browser, each of those is a different origin.</p>

<section aria-labelledby="console-title">
<h2 id="console-title">Request console</h2>
<form id="console">
<label for="target">Fetch <code>/headers</code> from</label>
<select id="target" name="target">
${ordered.map((origin) => targetOption(origin, servedFrom)).join("\n")}
</select>
<button id="send" type="submit">Send request</button>
</form>
<p id="outcome" role="status" aria-live="polite">No request sent yet.</p>
<pre id="response" hidden></pre>
</section>

<p class="hint">The request console runs <code>fetch(target + "/headers")</code> from this page, as any script on it could.
When the browser blocks the response, open DevTools (F12) and read the Console: it says which CORS rule failed.</p>
</main>
<script src="/console.js" type="module"></script>
</body>
</html>
`;
}
