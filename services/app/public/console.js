// The request console: fetch the chosen origin's /headers and show what the browser let us read.
// Everything shown is set with textContent, never as HTML. `CONSOLE` (ids, data attributes, states)
// is services/shared/src/console-contract.ts, which the app writes at the top of this file as it
// serves it: the grader drives the page through the same names.
const { ids, data, states, requestParam, policyFailureHeader } = CONSOLE;
const form = document.getElementById(ids.form);
const target = document.getElementById(ids.target);
const path = document.getElementById(ids.path);
const kind = document.getElementById(ids.kind);
const outcome = document.getElementById(ids.outcome);
const response = document.getElementById(ids.response);
let run = 0;
// Marks this page's requests apart from every other page's, so the app can find them in its log.
const page = Math.random().toString(36).slice(2, 10);

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

/**
 * Shows an outcome. `details` may hold the answer's body, what the page could `read` of an allowed
 * answer (status, X-Request-Id), a policy's `failure`, or the CORS `rule` a blocked answer failed.
 */
function show(state, text, details = {}) {
  const { body, read, failure, rule, secret } = details;
  for (const key of [data.status, data.requestId, data.failure, data.rule, data.secret, data.mark]) {
    delete outcome.dataset[key];
  }
  if (secret !== undefined) outcome.dataset[data.secret] = "read";
  if (read !== undefined) {
    outcome.dataset[data.status] = String(read.status);
    if (read.requestId !== null) outcome.dataset[data.requestId] = read.requestId;
  }
  if (failure !== undefined) outcome.dataset[data.failure] = failure;
  if (rule) outcome.dataset[data.rule] = rule;
  outcome.dataset[data.mark] = `${page}.${run}`;
  outcome.dataset[data.state] = state;
  outcome.dataset[data.run] = String(run);
  outcome.textContent = text;
  response.hidden = body === undefined;
  response.textContent = body ?? "";
}

/**
 * The app's account of a request the browser kept from this page (its /explain.json, same-origin):
 * whether it arrived, whether the policy failed on it, and which rule of the CORS check its answer
 * failed. Undefined when the app cannot be asked (a sandboxed page's origin is not the app's; a
 * request log of size 0).
 */
async function explained(mark, requestKind) {
  try {
    const query = new URLSearchParams({
      [requestParam]: mark,
      target: target.value,
      credentials: REQUESTS[requestKind]?.credentials ?? "same-origin",
    });
    const answer = await fetch(`/explain.json?${query}`, { cache: "no-store" });
    return answer.ok ? await answer.json() : undefined;
  } catch {
    return undefined;
  }
}

function showPolicyFailure(url, failure) {
  show(
    states.policyFailed,
    `Your policy failed on ${url}: ${failure} This is not the browser's CORS check: fix the policy file and save it.`,
    { failure },
  );
}

/**
 * A request the app has no record of never reached it: the browser's verdict is about something
 * else's answer. A page cannot see that answer (without CORS a script may not even see that it was
 * a redirect), so it names the likely cause where it runs: behind a cloud workspace's port
 * forwarder, a private port's sign-in; on one's own machine, a name that does not resolve.
 */
function showNotReached(url) {
  // A page that plays a public website's (step 11): Chrome stops its requests to local addresses
  // before they leave, unless the user allowed this site to reach them (issue #23).
  if (form.dataset.public === "true") {
    const why =
      "This page counts as a public website's, and in Chrome a public website needs your permission to reach a local or loopback address (Local Network Access). No Access-Control-* header changes that; allowing the site does (the prompt, or the padlock's site settings).";
    show(
      states.notReached,
      `Blocked by Local Network Access, not by CORS: your request to ${url} never reached the lab. ${why}`,
      { failure: why },
    );
    return;
  }
  const why =
    form.dataset.originSet === "forwarded"
      ? "Most likely that port is private, and the port forwarder answered with its sign-in page: make the lab's ports public (the README's Cloud dev environments section says how)."
      : "Does its name resolve (the hosts-file line), and is the lab running?";
  show(
    states.notReached,
    `Your request never reached the lab, so this is not a CORS verdict: ${url}. ${why}`,
    {
      failure: why,
    },
  );
}

function showBlocked(url, error, why) {
  const because = why?.rule
    ? ` The app received it and answered ${why.status}, and the browser's CORS check failed on that answer: ${why.explanation}`
    : " The request may well have reached the server; open the DevTools Console to see why the response was withheld.";
  show(
    states.blocked,
    `Blocked by the browser: this page may not read ${url} (${error.message}).${because}`,
    {
      rule: why?.rule ?? undefined,
    },
  );
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  run += 1;
  // Whoever submitted the form (the grader) learns this request's run from the form itself.
  form.dataset[data.submitted] = String(run);
  const url = `${target.value}${path.value}`;
  const mark = `${page}.${run}`;
  const requestKind = kind.value;
  show(states.pending, `Fetching ${url} …`);
  try {
    const res = await fetch(`${url}?${requestParam}=${mark}`, REQUESTS[requestKind] ?? REQUESTS.simple);
    const failure = res.headers.get(policyFailureHeader);
    if (failure !== null) {
      showPolicyFailure(url, failure);
      return;
    }
    const text = await res.text();
    let body = text;
    let secret;
    try {
      const parsed = JSON.parse(text);
      body = JSON.stringify(parsed, null, 2);
      secret = typeof parsed?.secret === "string" ? parsed.secret : undefined;
    } catch {
      // not JSON: show it as it came
    }
    // Response headers beyond the CORS-safelisted few stay hidden unless Access-Control-Expose-Headers names them.
    // Only /headers answers carry X-Request-Id (step 9).
    const requestId = res.headers.get("X-Request-Id");
    const header =
      path.value !== "/headers"
        ? ""
        : requestId === null
          ? "; its X-Request-Id header is hidden from this page"
          : `; its X-Request-Id is ${requestId}`;
    const stolen = secret === undefined ? "" : ` The victim's secret is on this page: ${secret}.`;
    show(
      states.allowed,
      `Allowed: ${url} answered ${res.status} ${res.statusText}, and the browser let this page read it${header}.${stolen}`,
      { body, read: { status: res.status, requestId }, secret },
    );
  } catch (error) {
    const why = await explained(mark, requestKind);
    if (why?.policyFailure !== undefined) showPolicyFailure(url, why.policyFailure);
    else if (why?.reached === false) showNotReached(url);
    else showBlocked(url, error, why);
  }
});
form.dataset[data.live] = "true";

// "Check in this browser" (issue #24): a step's page opened this window under its name, and drives
// the console in it from one page origin to the next. Commands are taken from that opener alone,
// and only when it is a page of the lab's own origins (the console's targets); each outcome is read
// from the console as a student would see it, and told back to that origin only.
const inBrowser = CONSOLE.inBrowser;

function settledRun(sent, timeoutMs) {
  const done = () =>
    outcome.dataset[data.run] === sent && CONSOLE.settled.includes(outcome.dataset[data.state] ?? "");
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      resolve(true);
    });
    observer.observe(outcome, { attributes: true });
    setTimeout(() => {
      observer.disconnect();
      resolve(done());
    }, timeoutMs);
  });
}

async function runThrough(targets, requestKind, requestPath) {
  const results = [];
  for (const each of targets) {
    kind.value = requestKind;
    path.value = requestPath;
    target.value = each;
    form.requestSubmit();
    const sent = form.dataset[data.submitted];
    const settled = await settledRun(sent, 15000);
    results.push({
      target: each,
      state: settled ? outcome.dataset[data.state] : "no-outcome",
      status: Number(outcome.dataset[data.status] ?? 0) || undefined,
      secret: outcome.dataset[data.secret] === "read",
      requestId: outcome.dataset[data.requestId] ?? null,
      mark: outcome.dataset[data.mark],
    });
  }
  return results;
}

if (window.name === inBrowser.window && window.opener) {
  const labOrigins = [...target.options].map((option) => option.value);
  const lab = window.opener;
  window.addEventListener("message", async (event) => {
    if (event.source !== lab || !labOrigins.includes(event.origin)) return;
    const command = event.data;
    if (command?.type === inBrowser.signIn) {
      document.getElementById(CONSOLE.signIn.button)?.click();
      return;
    }
    if (
      command?.type !== inBrowser.run ||
      !Array.isArray(command.targets) ||
      !command.targets.every((each) => labOrigins.includes(each)) ||
      !CONSOLE.kinds.includes(command.kind) ||
      !CONSOLE.paths.includes(command.path)
    )
      return;
    const results = await runThrough(command.targets, command.kind, command.path);
    lab.postMessage({ type: inBrowser.results, id: command.id, results }, event.origin);
  });
  // Nothing in it but that this page loaded, and whether the victim is signed in here: any origin
  // may hear it (a sandboxed page's opener cannot be named).
  lab.postMessage(
    {
      type: inBrowser.ready,
      signedIn: document.getElementById(CONSOLE.signIn.signedIn) !== null,
      refused: document.getElementById(CONSOLE.signIn.refused) !== null,
    },
    "*",
  );
}
