// "Check in this browser" (issue #24): the step's matrix, run by the student's own browser. One
// window visits each page origin of the step in turn, as a top-level page (signed in as the victim
// first where the step says so); the request console there makes the step's requests and tells
// this page the outcomes (postMessage, checked for where they come from); the app reads each block
// in its record and judges every pair by the step's expectations. Everything shown is set with
// textContent. `CONSOLE` is services/shared/src/console-contract.ts, written above by the app.
const box = document.getElementById("in-browser");
const button = document.getElementById("check-in-browser");
const result = document.getElementById("in-browser-result");
const step = document.getElementById("check")?.dataset.step;
const { inBrowser } = CONSOLE;
/** How long a page origin may take to load in the window before it counts as not opening. */
const LOAD_MS = 15000;
/** How long one page origin's requests may take. */
const RUN_MS = 60000;

/** This browser's name and version, as far as it says. */
function browserName() {
  const agent = navigator.userAgent;
  const named = [
    [/Edg\/(\d+)/, "Edge"],
    [/Firefox\/(\d+)/, "Firefox"],
    [/Chrome\/(\d+)/, "Chrome or Chromium"],
    [/Version\/(\d+)[.\d]* Safari/, "Safari"],
  ].find(([pattern]) => pattern.test(agent));
  return named ? `${named[1]} ${named[0].exec(agent)[1]}` : "this browser";
}

function say(state, ...parts) {
  result.dataset.state = state;
  result.replaceChildren(...parts.map((part) => (typeof part === "string" ? paragraph(part) : part)));
}

function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

/** The next message of `type` from the window, from a page of `origin`; null after `ms`. */
function heard(win, type, origin, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      window.removeEventListener("message", listen);
      resolve(null);
    }, ms);
    function listen(event) {
      if (event.source !== win || event.data?.type !== type || event.origin !== origin) return;
      clearTimeout(timer);
      window.removeEventListener("message", listen);
      resolve(event.data);
    }
    window.addEventListener("message", listen);
  });
}

/** Loads `url` in the window; the page's ready message, or null when it did not load in time. */
function visit(win, url, origin) {
  const ready = heard(win, inBrowser.ready, origin, LOAD_MS);
  win.location.href = url;
  return ready;
}

/**
 * The app's record of a request that was not allowed, asked at once (the record is a ring that a
 * busy lab soon turns over): whether it arrived, and the rule its answer fails. This page may read
 * it for every page origin's request, the sandboxed page's too.
 */
async function recordOf(got, requestKind) {
  if (got.state === CONSOLE.states.allowed || got.mark === undefined) return undefined;
  const query = new URLSearchParams({
    [CONSOLE.requestParam]: got.mark,
    target: got.target,
    credentials: requestKind === "credentialed" ? "include" : "same-origin",
  });
  try {
    return await (await fetch(`/explain.json?${query}`, { cache: "no-store" })).json();
  } catch {
    return undefined;
  }
}

function table(view) {
  const element = document.createElement("table");
  element.className = "check-pairs";
  const head = element.createTHead().insertRow();
  for (const column of [...view.columns, ""]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.append(th);
  }
  const body = element.createTBody();
  for (const row of view.rows) {
    const tr = body.insertRow();
    tr.className = row.pass ? "ok" : "mismatch";
    for (const cell of [...row.cells, row.pass ? "ok" : "MISMATCH"]) tr.insertCell().textContent = cell;
  }
  return element;
}

function show(answer) {
  const { view } = answer;
  const verdict = paragraph(`${view.passed ? "Passed" : "Not yet"}: ${view.summary}`);
  verdict.className = "check-verdict";
  const parts = [verdict, paragraph(`${view.title}. ${view.heading}.`), table(view)];
  if (view.hints.length > 0) {
    const heading = document.createElement("h3");
    heading.textContent = "Where this browser differs from what the step expects";
    const list = document.createElement("ul");
    list.className = "check-hints";
    for (const hint of view.hints)
      list.append(Object.assign(document.createElement("li"), { textContent: hint }));
    parts.push(heading, list);
  }
  say(view.passed ? "passed" : "failed", ...parts);
  // For whoever drives the page (the lab's tests): every pair as the app judged it.
  result.dataset.pairs = JSON.stringify(answer.pairs);
}

async function check() {
  // Opened at once, in the click itself: a window opened later is a pop-up to every blocker.
  const win = window.open("about:blank", inBrowser.window, "popup,width=720,height=560");
  if (!win) {
    say(
      "blocked",
      `This browser blocked the check's window. Allow pop-ups for ${location.origin} (the icon at the end of the address bar, or the site's settings), then press the button again.`,
    );
    return;
  }
  button.disabled = true;
  try {
    say("running", "Checking in this browser: the check's window visits each page origin in turn …");
    const plan = await (await fetch(`/lab/${step}/plan.json`, { cache: "no-store" })).json();
    const notes = [];
    for (const origin of plan.signedIn) {
      const ready = await visit(win, `${origin}/`, origin);
      if (!ready) {
        notes.push(`${origin} did not open, so the victim is not signed in there.`);
        continue;
      }
      const back = heard(win, inBrowser.ready, origin, LOAD_MS);
      win.postMessage({ type: inBrowser.signIn }, origin);
      const signed = await back;
      if (!signed?.signedIn)
        notes.push(
          `This browser kept no session cookie at ${origin} (Safari keeps no Secure cookie on plain http://localhost).`,
        );
    }
    const results = [];
    for (const page of plan.pages) {
      const ready = await visit(win, page.url, page.origin);
      if (!ready) {
        const why = page.url.includes(".localhost")
          ? "it did not load: Safari does not send .localhost names to this machine, so they need the hosts file"
          : "it did not load: does its name resolve (the hosts-file line), and is the lab running?";
        for (const target of plan.targets)
          results.push({ page: page.origin, target, state: "not-opened", why });
        continue;
      }
      const id = `${page.origin} ${Date.now()}`;
      const outcomes = heard(win, inBrowser.results, page.origin, RUN_MS);
      win.postMessage(
        { type: inBrowser.run, id, targets: plan.targets, kind: plan.request, path: plan.path },
        page.origin === "null" ? "*" : page.origin,
      );
      const answered = await outcomes;
      for (const target of plan.targets) {
        const got = answered?.results?.find((each) => each.target === target);
        results.push(
          got
            ? { ...got, page: page.origin, record: await recordOf(got, plan.request) }
            : { page: page.origin, target, state: "not-opened", why: "its console did not answer" },
        );
      }
    }
    win.close();
    const judged = await fetch(`/lab/${step}/in-browser`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ browser: browserName(), userAgent: navigator.userAgent, results }),
    });
    if (!judged.ok) {
      say("error", `The lab could not judge the outcomes: ${judged.status} ${await judged.text()}`);
      return;
    }
    show(await judged.json());
    for (const note of notes) result.append(paragraph(note));
  } catch (error) {
    say("error", `The check stopped: ${error.message}`);
    if (!win.closed) win.close();
  } finally {
    button.disabled = false;
  }
}

if (box && button && result && step) {
  box.hidden = false;
  button.addEventListener("click", check);
}
