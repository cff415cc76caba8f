// Debian's Firefox ESR, headless, through puppeteer-core over WebDriver BiDi (no geckodriver). Firefox
// reports a CORS block as an error-flagged script error ("Cross-Origin Request Blocked: … (Reason:
// …)"), which BiDi forwards as a `log.entryAdded` of type javascript and puppeteer as `pageerror`
// (puppeteer-core's bidi/Frame.ts); not on the console, and not as a failed request.
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import { withinLimit } from "../../../shared/src/retry.ts";
import { SIGN_IN_DONE, SIGN_IN_SHOWN, signInAsTheVictim } from "../in-page/use-console.ts";
import {
  type Engine,
  type EngineOptions,
  type EngineTab,
  keyedEvents,
  loadOutcome,
  type Opened,
  runKey,
} from "./engine.ts";
import { relayLoopbackNames } from "./loopback-relay.ts";
import { firefoxReason } from "./reasons.ts";

// The URL of the blocked request, as Firefox writes it in the sentence.
const BLOCKED_URL = /the remote resource at (\S+?)\. \(Reason: /;

export async function launchFirefox(executablePath: string, options: EngineOptions): Promise<Engine> {
  const leaveRelays = await relayLoopbackNames(options.origins, options.hostResolverRules);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath,
      headless: true,
      timeout: options.timeoutMs,
      // Firefox cannot be told to trust one certificate alone: with extra certificates asked for,
      // it accepts any (a test's port forwarder).
      acceptInsecureCerts: options.trustedSpki.length > 0,
      extraPrefsFirefox: {
        // Nothing but the lab: no captive-portal or connectivity checks, no remote settings.
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
      },
    });
  } catch (error) {
    await leaveRelays();
    throw error;
  }
  const version = (await browser.version()).replace(/^firefox\//i, "");
  return {
    name: "firefox",
    version,
    get connected() {
      return browser.connected;
    },
    // Firefox partitions third-party cookies by the top-level site (Total Cookie Protection): with
    // them "blocked" there is nothing more to withhold. It does not enforce Local Network Access as
    // it ships (measured with Firefox ESR 153): nothing to grant.
    context: async ({ signedInAt }) => {
      const context = await withinLimit(browser.createBrowserContext(), options.timeoutMs, "a new context");
      // Signed in first, each in a tab of its own that is closed again, and only then the pages'
      // tabs: a sign-in tab still open beside them was seen to fail a warm Firefox's requests.
      const refused: string[] = [];
      try {
        for (const origin of signedInAt) {
          if (!(await signIn(context, origin, options.timeoutMs))) refused.push(origin);
        }
      } catch (error) {
        await context.close();
        throw error;
      }
      return {
        open: async (pageUrl) => {
          const loaded = await openTab(context, pageUrl, options.timeoutMs);
          return refused.length > 0 ? { ...loaded, signInsRefused: refused } : loaded;
        },
        close: () => context.close(),
      };
    },
    close: async () => {
      // A Firefox that hung may not close when asked: it is then ended.
      await withinLimit(browser.close(), options.timeoutMs, "closing Firefox").catch(() =>
        browser.process()?.kill("SIGKILL"),
      );
      await leaveRelays();
    },
  };
}

/** The page's tab, listening for Firefox's sentence on each blocked request, and its load. */
async function openTab(context: BrowserContext, pageUrl: string, timeoutMs: number): Promise<Opened> {
  // A tab asked for as the last sign-in tab closes was seen to be refused ("BrowsingContext does no
  // longer exist"): it is asked for once more.
  const page = await withinLimit(
    context.newPage().catch(() => context.newPage()),
    timeoutMs,
    "a new tab",
  );
  page.setDefaultTimeout(timeoutMs);
  const reasons = keyedEvents();
  page.on("pageerror", (error) => {
    const message = error instanceof Error ? error.message : String(error);
    const url = BLOCKED_URL.exec(message)?.[1];
    const reason = firefoxReason(message);
    if (url !== undefined && reason !== undefined) reasons.add(runKey(url), reason);
  });
  const tab: EngineTab = {
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => unknown, arg) as never,
    click: (selector) => page.click(selector),
    blockReason: (key, waitMs) => reasons.next(key, waitMs),
    close: () => page.close(),
  };
  return { tab, ...(await load(page, pageUrl, timeoutMs)) };
}

/**
 * Signs this context in as the victim at `origin`, as a student would (the page's button); false
 * when the browser kept no cookie.
 */
async function signIn(context: BrowserContext, origin: string, timeoutMs: number): Promise<boolean> {
  // A tab of its own for each sign-in: in one tab, going from one site to the next and clicking
  // there would meet Firefox's storage-access heuristics, and the page would be given a cookie no
  // ordinary visit gives it.
  const page = await withinLimit(context.newPage(), timeoutMs, "a tab to sign in");
  try {
    await page.goto(`${origin}/`, { waitUntil: "load", timeout: timeoutMs });
    // The click navigates, which may end the evaluation before it reports back, or keep it from
    // ever reporting (an evaluation has no time limit): it is not waited for. The page says
    // whether the sign-in worked.
    void page.evaluate(signInAsTheVictim).catch(() => undefined);
    await page.waitForSelector(SIGN_IN_DONE, { timeout: timeoutMs });
    return (await page.$(SIGN_IN_SHOWN.signedIn)) !== null;
  } finally {
    // A tab that will not close is left to its context's closing.
    await withinLimit(page.close(), timeoutMs, "closing a sign-in tab").catch(() => undefined);
  }
}

async function load(page: Page, pageUrl: string, timeoutMs: number): Promise<Omit<Opened, "tab">> {
  try {
    const response = await page.goto(pageUrl, { waitUntil: "load", timeout: timeoutMs });
    return loadOutcome(response?.request().redirectChain()[0]?.response() ?? response);
  } catch (error) {
    return loadOutcome(undefined, error);
  }
}
