// WebKitGTK's MiniBrowser under Xvfb (it has no headless mode), driven through its remote Web
// Inspector (webkit-inspector.ts): its WebDriver gives a verdict but no reason. A MiniBrowser started
// with --private has an ephemeral session of its own (its cookies, caches and preflight cache): a
// browser context, as elsewhere, whose pages are its windows.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CONSOLE } from "../../../shared/src/console-contract.ts";
import { retryUntil, withinLimit } from "../../../shared/src/retry.ts";
import { signInAsTheVictim } from "../in-page/use-console.ts";
import {
  type ContextPages,
  type Engine,
  type EngineContext,
  type EngineOptions,
  type EngineTab,
  keyedEvents,
  runKey,
} from "./engine.ts";
import { relayLoopbackNames } from "./loopback-relay.ts";
import { InspectorError, InspectorSession } from "./webkit-inspector.ts";

const run = promisify(execFile);

/** Starts Xvfb on a display number it picks itself (-displayfd), and says which. */
async function startXvfb(timeoutMs: number): Promise<{ process: ChildProcess; display: string }> {
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
  });
  const display = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Xvfb gave no display within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let said = "";
    xvfb.stdio[3]?.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes("\n")) {
        clearTimeout(timer);
        resolve(`:${said.trim()}`);
      }
    });
    xvfb.once("error", (error) => reject(new Error(`Xvfb did not start: ${error.message}`)));
    xvfb.once("exit", (code) => reject(new Error(`Xvfb exited (${code}) before giving a display`)));
  }).catch((error: Error) => {
    xvfb.kill();
    throw error;
  });
  return { process: xvfb, display };
}

/**
 * A port on 127.0.0.1 nothing listens on now, for one MiniBrowser's inspector. Something else may
 * take it before the browser does: each browser is started on a page that names it, and its
 * inspector is trusted only once it lists that page (see `newContext`).
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

export async function launchWebKit(executablePath: string, options: EngineOptions): Promise<Engine> {
  const { timeoutMs } = options;
  const xvfb = await startXvfb(timeoutMs);
  // GTK wants a display even to print the version.
  const { stdout } = await run(executablePath, ["--version"], {
    timeout: timeoutMs,
    env: { ...process.env, DISPLAY: xvfb.display },
  }).catch((error: Error) => {
    xvfb.process.kill();
    throw error;
  });
  const version = /\d+(\.\d+)+/.exec(stdout)?.[0] ?? stdout.trim();
  const leaveRelays = await relayLoopbackNames(options.origins, options.hostResolverRules);
  const browsers = new Set<ChildProcess>();
  const flags = ["--private", "--enable-developer-extras=true"];
  // WebKitGTK cannot be told to trust one certificate alone: with extra certificates asked for, it
  // accepts any (a test's port forwarder).
  if (options.trustedSpki.length > 0) flags.push("--ignore-tls-errors");
  return {
    name: "webkit",
    version,
    get connected() {
      return xvfb.process.exitCode === null;
    },
    // WebKit blocks third-party cookies as it ships: with them "blocked" there is nothing more to do.
    // It has no Local Network Access yet (measured with WebKitGTK 2.50): nothing to grant.
    context: ({ signedInAt }, pages) => newContext(signedInAt, pages),
    close: async () => {
      for (const browser of browsers) browser.kill();
      xvfb.process.kill();
      await leaveRelays();
    },
  };

  /**
   * A MiniBrowser of its own (a --private session is one browser's: its cookies and caches), signed
   * in as the victim in its first window; each page then opens in a window of its own, opened from
   * that one, in the same session.
   */
  async function newContext(signedInAt: readonly string[], pages: ContextPages): Promise<EngineContext> {
    const home = await mkdtemp(join(tmpdir(), "webkit-"));
    const address = `127.0.0.1:${await freePort()}`;
    // Names this browser's first window in its inspector's page list (see freePort).
    const marker = blankMarker();
    const browser = spawn(
      executablePath,
      // A blank page first: the first page is asked for once the inspector listens, so that its
      // load is seen (a load begun before, on a busy machine, was seen to stay on about:blank).
      [...flags, marker],
      {
        stdio: "ignore",
        env: {
          ...process.env,
          DISPLAY: xvfb.display,
          WEBKIT_INSPECTOR_HTTP_SERVER: address,
          HOME: home,
          XDG_CACHE_HOME: join(home, "cache"),
          XDG_DATA_HOME: join(home, "data"),
          XDG_CONFIG_HOME: join(home, "config"),
        },
      },
    );
    browsers.add(browser);
    const sessions = new Set<InspectorSession>();
    const close = async () => {
      for (const session of sessions) session.close();
      browsers.delete(browser);
      const running = browser.exitCode === null && browser.signalCode === null;
      const exited: Promise<unknown> = running ? once(browser, "exit") : Promise.resolve();
      browser.kill();
      await withinLimit(exited, timeoutMs, "MiniBrowser's exit").catch(() => browser.kill("SIGKILL"));
      // Its web and network processes may still write their caches for a moment after it exits
      // (seen: ENOTEMPTY on the shader cache, the folder then left behind in a warm grader).
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    };
    let first: InspectorSession;
    const refused: string[] = [];
    try {
      first = await InspectorSession.connect(address, timeoutMs, marker);
      sessions.add(first);
      for (const origin of signedInAt) {
        if (await signIn(first, origin, timeoutMs)) continue;
        refused.push(origin);
      }
    } catch (error) {
      await close();
      throw error;
    }
    // A context's one page goes to the sign-in window itself; a run's many pages, each to a window
    // of its own, opened from that one (which is never navigated again: it opens the others).
    let firstWindowFree = pages === "one";
    const inNewWindow = async (pageUrl: string) => {
      const window = blankMarker();
      // A window of the same browser, as a student opens one (the inspector's evaluation counts
      // as the user's gesture a pop-up needs); without an opener, as a typed address has none.
      await evaluate(first, openWindow, window, undefined, true);
      const session = await InspectorSession.connect(address, timeoutMs, window);
      sessions.add(session);
      const tab = inspectedTab(session, timeoutMs, async () => {
        sessions.delete(session);
        await evaluate(session, closeWindow, undefined, LOOK_MS).catch(() => undefined);
        session.close();
      });
      const blank = await waitForPage(session, window, timeoutMs);
      if (blank !== undefined) throw new Error(`a new window did not open: ${blank}`);
      return { tab, notLoaded: await navigateAway(session, window, pageUrl, timeoutMs) };
    };
    const inFirstWindow = async (pageUrl: string) => {
      firstWindowFree = false;
      // The context closes it.
      const tab = inspectedTab(first, timeoutMs, async () => undefined);
      await first.send("Page.navigate", { url: pageUrl });
      return { tab, notLoaded: await waitForPage(first, pageUrl, timeoutMs) };
    };
    return {
      open: async (pageUrl) => {
        const { tab, notLoaded } = await (firstWindowFree ? inFirstWindow : inNewWindow)(pageUrl);
        const opened = notLoaded === undefined ? { tab } : { tab, notLoaded };
        return refused.length > 0 ? { ...opened, signInsRefused: refused } : opened;
      },
      close,
    };
  }
}

/**
 * Navigates a new window from its blank page to `url`, and waits until that has loaded; what it
 * showed last when `timeoutMs` passes first. A window opened without an opener may be given a
 * target of its own just after its blank page loads, and a navigation sent to the one it leaves
 * is lost (seen with several windows opening at once: "Missing target", no answer, or the blank
 * page kept): a navigation that never left the blank page is sent again.
 */
async function navigateAway(
  session: InspectorSession,
  blank: string,
  url: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await session.send("Page.navigate", { url }, LOOK_MS * 2).catch(() => undefined);
    const away = (shown: string) => shown !== NOTHING_SEEN && !shown.includes(blank);
    const left = await lookUntil(session, away, NAVIGATION_STARTS_MS);
    if (away(left)) break;
    if (Date.now() >= deadline) return `it showed "${left}" after ${timeoutMs} ms`;
  }
  return waitForPage(session, url, Math.max(deadline - Date.now(), LOOK_MS));
}

/** How long a navigation may take to leave the page it was sent from, before it counts as lost. */
const NAVIGATION_STARTS_MS = 3000;

/** An about:blank URL no other window has: a window's name in the inspector's page list. */
const blankMarker = () => `about:blank#cors-lab-${randomUUID()}`;

/**
 * Signs the inspected window in as the victim at `origin`, as a student would (the page's button);
 * false when the browser kept no cookie. Throws, naming the origin, when it did not work at all.
 */
async function signIn(session: InspectorSession, origin: string, timeoutMs: number): Promise<boolean> {
  const signInPage = `${origin}/`;
  await session.send("Page.navigate", { url: signInPage });
  const notThere = await waitForPage(session, signInPage, timeoutMs);
  if (notThere !== undefined) {
    throw new Error(`${signInPage}, to sign in there, did not load: ${notThere}`);
  }
  // The click navigates away before its evaluation can report back: the page says whether it worked.
  await evaluate(session, signInAsTheVictim, undefined).catch(() => undefined);
  const shown = await waitForSignIn(session, `${origin}${CONSOLE.signIn.back}`, timeoutMs);
  if (shown === "signed-in") return true;
  if (shown === "refused") return false;
  throw new Error(`signing in as the victim at ${origin} did not work: ${shown}`);
}

/** Opens a window on `url`, with no opener (in the page). */
function openWindow(url: string): void {
  (globalThis as unknown as { open(url: string, target: string, features: string): unknown }).open(
    url,
    "_blank",
    "noopener",
  );
}

/** Closes the window (in the page): one a script opened may be closed by a script. */
function closeWindow(): void {
  (globalThis as unknown as { close(): void }).close();
}

/** A tab on an inspected page: the reasons come from its Network domain, keyed by the request's URL. */
function inspectedTab(session: InspectorSession, timeoutMs: number, close: () => Promise<void>): EngineTab {
  const reasons = keyedEvents();
  const urls = new Map<string, string>();
  session.on("Network.requestWillBeSent", (params) => {
    urls.set(params.requestId as string, (params.request as { url: string }).url);
  });
  session.on("Network.loadingFailed", (params) => {
    const url = urls.get(params.requestId as string);
    if (url !== undefined && params.canceled !== true) reasons.add(runKey(url), params.errorText as string);
  });
  return {
    // An in-page function keeps the run's time limit itself (a request the API never answers is
    // given up on in the page, issue #25): the inspector waits longer, so the page says what
    // happened. With both at the limit, the inspector's ran out first on a loaded machine.
    evaluate: (fn, arg) => evaluate(session, fn, arg, timeoutMs * 2),
    // The inspector's evaluation may count as the user's gesture, which a pop-up needs.
    click: (selector) => evaluate(session, clickOn, selector, undefined, true),
    blockReason: (key, waitMs) => reasons.next(key, waitMs),
    close,
  };
}

/** Runs `fn(arg)` in the page: Runtime.evaluate has no awaitPromise upstream, so the promise is awaited by id. */
async function evaluate<A, R>(
  session: InspectorSession,
  fn: (arg: A) => R | Promise<R>,
  arg: A,
  limitMs?: number,
  userGesture = false,
): Promise<R> {
  const expression = `Promise.resolve((${fn.toString()})(${JSON.stringify(arg) ?? "undefined"}))`;
  const made = (await session.send(
    "Runtime.evaluate",
    { expression, ...(userGesture ? { emulateUserGesture: true } : {}) },
    limitMs,
  )) as {
    result: { objectId?: string; description?: string };
    wasThrown?: boolean;
  };
  if (made.wasThrown || made.result.objectId === undefined) {
    throw new InspectorError(made.result.description ?? "the page threw");
  }
  const settled = (await session.send(
    "Runtime.awaitPromise",
    { promiseObjectId: made.result.objectId, returnByValue: true },
    limitMs,
  )) as { result: { value?: R; description?: string }; wasThrown?: boolean };
  if (settled.wasThrown) throw new InspectorError(settled.result.description ?? "the page threw");
  return settled.result.value as R;
}

/**
 * How long one look at a loading page may take: a look sent to a page whose process is being
 * swapped is never answered, and the next look goes to the new one.
 */
const LOOK_MS = 1000;

/** Clicks the element a selector names (in the page). */
function clickOn(selector: string): void {
  const { document } = globalThis as unknown as {
    document: { querySelector(selector: string): { click(): void } | null };
  };
  const element = document.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  element.click();
}

/** What the page shows while it loads: its state and address, and what it says of a sign-in. */
function look(ids: { signedIn: string; refused: string }): string {
  const { document, location } = globalThis as unknown as {
    document: { readyState: string; getElementById(id: string): unknown };
    location: { href: string };
  };
  const said =
    document.getElementById(ids.signedIn) !== null
      ? " signed-in"
      : document.getElementById(ids.refused) !== null
        ? " refused"
        : "";
  return `${document.readyState} ${location.href}${said}`;
}

/** What a look found when the page answered none. */
const NOTHING_SEEN = "nothing";

/** Looks at the page until `ready` says so; what it showed last, ready or not after `timeoutMs`. */
async function lookUntil(
  session: InspectorSession,
  ready: (shown: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  let seen = NOTHING_SEEN;
  const ids = { signedIn: CONSOLE.signIn.signedIn, refused: CONSOLE.signIn.refused };
  await retryUntil(
    async () => {
      seen = await evaluate(session, look, ids, LOOK_MS);
      return seen;
    },
    ready,
    { timeoutMs, intervalMs: 50 },
  ).catch(() => undefined);
  return seen;
}

/** Waits until the page at `url` has loaded; what it showed last when `timeoutMs` passes first. */
async function waitForPage(
  session: InspectorSession,
  url: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const ready = (shown: string) => {
    const [state, href] = shown.split(" ");
    return state === "complete" && href === url;
  };
  const seen = await lookUntil(session, ready, timeoutMs);
  return ready(seen) ? undefined : `it showed "${seen}" after ${timeoutMs} ms`;
}

/**
 * Waits until the page the sign-in sends back to (`back`) says how it went: "signed-in", "refused"
 * (the browser kept no cookie), or what it showed last when `timeoutMs` passes first.
 */
async function waitForSignIn(session: InspectorSession, back: string, timeoutMs: number): Promise<string> {
  const said = (shown: string) =>
    shown === `complete ${back} signed-in`
      ? "signed-in"
      : shown === `complete ${back} refused`
        ? "refused"
        : undefined;
  const seen = await lookUntil(session, (shown) => said(shown) !== undefined, timeoutMs);
  return said(seen) ?? `it showed "${seen}" after ${timeoutMs} ms`;
}
