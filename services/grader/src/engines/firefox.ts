// Debian's Firefox ESR, headless, through puppeteer-core over WebDriver BiDi (no geckodriver). Firefox
// reports a CORS block as an error-flagged script error ("Cross-Origin Request Blocked: … (Reason:
// …)"), which BiDi forwards as a `log.entryAdded` of type javascript and puppeteer as `pageerror`
// (puppeteer-core's bidi/Frame.ts); not on the console, and not as a failed request.
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
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
    open: async (pageUrl, { signedInAt }) => {
      const context = await browser.createBrowserContext();
      try {
        // Signed in first, each in a tab of its own that is closed again, and only then the page's
        // own tab: a sign-in tab still open beside it was seen to fail a warm Firefox's requests (and
        // with the page's tab opened before the sign-ins, a run hung once). A tab created as the last
        // sign-in tab closes was seen to be refused ("BrowsingContext does no longer exist"): it is
        // asked for once more, with no sign-in in between to race it.
        const refused: string[] = [];
        for (const origin of signedInAt) {
          if (!(await signIn(context, origin, options.timeoutMs))) refused.push(origin);
        }
        const page = await context.newPage().catch(() => context.newPage());
        page.setDefaultTimeout(options.timeoutMs);
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
          close: () => context.close(),
        };
        const loaded = { tab, ...(await load(page, pageUrl, options.timeoutMs)) };
        return refused.length > 0 ? { ...loaded, signInsRefused: refused } : loaded;
      } catch (error) {
        await context.close();
        throw error;
      }
    },
    close: async () => {
      await browser.close();
      await leaveRelays();
    },
  };
}

/**
 * Signs this context in as the victim at `origin`, as a student would (the page's button); false
 * when the browser kept no cookie.
 */
async function signIn(context: BrowserContext, origin: string, timeoutMs: number): Promise<boolean> {
  // A tab of its own for each sign-in: in one tab, going from one site to the next and clicking
  // there would meet Firefox's storage-access heuristics, and the page would be given a cookie no
  // ordinary visit gives it.
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`, { waitUntil: "load", timeout: timeoutMs });
    // The click navigates, which may end the evaluation before it reports back: the page says whether it worked.
    await page.evaluate(signInAsTheVictim).catch(() => undefined);
    await page.waitForSelector(SIGN_IN_DONE, { timeout: timeoutMs });
    return (await page.$(SIGN_IN_SHOWN.signedIn)) !== null;
  } finally {
    await page.close();
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
