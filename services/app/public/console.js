// The request console: fetch the chosen origin's /headers and show what the browser let us read.
// Everything shown is set with textContent, never as HTML.
const form = document.getElementById("console");
const target = document.getElementById("target");
const kind = document.getElementById("kind");
const outcome = document.getElementById("outcome");
const response = document.getElementById("response");
let run = 0;

// What each kind of request sends. A PUT with a JSON body and a custom header is not a "simple"
// request, so the browser first asks the target with an OPTIONS preflight.
const REQUESTS = {
  simple: {},
  preflight: {
    method: "PUT",
    headers: { "Content-Type": "application/json", "X-Lab-Token": "cors-lab" },
    body: JSON.stringify({ hello: "from the request console" }),
  },
  // With credentials: the browser sends the target's cookies, and demands more of its answer.
  credentialed: { credentials: "include" },
};

function show(state, text, body, requestId) {
  if (requestId === undefined) delete outcome.dataset.requestId;
  else outcome.dataset.requestId = requestId ?? "";
  outcome.dataset.state = state;
  outcome.dataset.run = String(run);
  outcome.textContent = text;
  response.hidden = body === undefined;
  response.textContent = body ?? "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  run += 1;
  const url = `${target.value}/headers`;
  show("pending", `Fetching ${url} …`);
  try {
    const res = await fetch(url, REQUESTS[kind.value] ?? REQUESTS.simple);
    const text = await res.text();
    let body = text;
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: show it as it came
    }
    // Response headers beyond the CORS-safelisted few stay hidden unless Access-Control-Expose-Headers names them.
    const requestId = res.headers.get("X-Request-Id");
    const header =
      requestId === null
        ? "its X-Request-Id header is hidden from this page"
        : `its X-Request-Id is ${requestId}`;
    show(
      "allowed",
      `Allowed: ${url} answered ${res.status} ${res.statusText}, and the browser let this page read it; ${header}.`,
      body,
      requestId,
    );
  } catch (error) {
    show(
      "blocked",
      `Blocked by the browser: this page may not read ${url} (${error.message}). ` +
        "The request may well have reached the server; open the DevTools Console to see why the response was withheld.",
    );
  }
});
