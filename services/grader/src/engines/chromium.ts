// Debian's Chromium through playwright-core. DevTools' Audits domain names the CORS error of a block
// by its code; a sign-in is taken once per origin and handed to every context as its storage state.
// Third-party cookies: this build, launched so, sends them as Chrome does (measured, issue #20);
// withheld, they are DevTools' `Network.setCookieControls`, set on each page before it loads.
import { type Browser, type BrowserContext, chromium, type Page, type Response } from "playwright-core";
import { SIGN_IN_DONE, SIGN_IN_SHOWN, signInAsTheVictim } from "../in-page/use-console.ts";
import {
  type Engine,
  type EngineOptions,
  type EngineTab,
  keyedEvents,
  loadOutcome,
  type Opened,
  runKey,
  type ThirdPartyCookies,
} from "./engine.ts";

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Docker's default /dev/shm is 64 MB, too small for Chromium's renderers.
  "--disable-dev-shm-usage",
];

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
/** A sign-in's cookies, or undefined when the browser kept none. */
type SignedIn = StorageState | undefined;

export async function launchChromium(executablePath: string, options: EngineOptions): Promise<Engine> {
  const args = [...CHROMIUM_FLAGS];
  if (options.hostResolverRules) args.push(`--host-resolver-rules=${options.hostResolverRules}`);
  // Honoured with a profile folder of its own, which Playwright always gives Chromium.
  if (options.trustedSpki.length)
    args.push(`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(",")}`);
  const browser = await chromium.launch({ executablePath, headless: true, args, timeout: options.timeoutMs });
  const signIns = new Map<string, Promise<SignedIn>>();
  const signedIn = (origin: string) => {
    if (!signIns.has(origin)) signIns.set(origin, signIn(browser, origin, options.timeoutMs));
    return signIns.get(origin) as Promise<SignedIn>;
  };
  return {
    name: "chromium",
    version: browser.version(),
    get connected() {
      return browser.isConnected();
    },
    context: async ({ signedInAt, thirdPartyCookies, localNetwork }) => {
      const states = await Promise.all(signedInAt.map(signedIn));
      const kept = states.filter((state): state is StorageState => state !== undefined);
      const refused = signedInAt.filter((_origin, index) => states[index] === undefined);
      const storageState = {
        cookies: kept.flatMap((state) => state.cookies),
        origins: kept.flatMap((state) => state.origins),
      };
      const context = await browser.newContext(kept.length > 0 ? { storageState } : {});
      try {
        // Both of Chromium's permissions, local-network and loopback-network (Playwright's name).
        if (localNetwork === "granted") await context.grantPermissions(["local-network-access"]);
      } catch (error) {
        await context.close();
        throw error;
      }
      return {
        open: async (pageUrl) => {
          const opened = await openTab(context, pageUrl, options.timeoutMs, thirdPartyCookies);
          return refused.length > 0 ? { ...opened, signInsRefused: refused } : opened;
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

/**
 * Signs a browser in as the victim at `origin`, as a student would (the page's button); its cookies,
 * or undefined when the browser kept none.
 */
async function signIn(browser: Browser, origin: string, timeoutMs: number): Promise<SignedIn> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(`${origin}/`, { waitUntil: "load", timeout: timeoutMs });
    await tab.evaluate(signInAsTheVictim);
    // The sign-in answers 303 back to the page, which then says whether the browser is signed in.
    await tab.locator(SIGN_IN_DONE).first().waitFor({ timeout: timeoutMs });
    if ((await tab.locator(SIGN_IN_SHOWN.signedIn).count()) === 0) return undefined;
    return await context.storageState();
  } finally {
    await context.close();
  }
}

async function openTab(
  context: BrowserContext,
  pageUrl: string,
  timeoutMs: number,
  thirdPartyCookies: ThirdPartyCookies,
): Promise<Opened> {
  const page = await context.newPage();
  try {
    return await watchAndLoad(context, page, pageUrl, timeoutMs, thirdPartyCookies);
  } catch (error) {
    await page.close();
    throw error;
  }
}

/** Listens to the page's CORS issues and failed requests, then loads it. */
async function watchAndLoad(
  context: BrowserContext,
  page: Page,
  pageUrl: string,
  timeoutMs: number,
  thirdPartyCookies: ThirdPartyCookies,
): Promise<Opened> {
  const reasons = keyedEvents();
  const session = await context.newCDPSession(page);
  if (thirdPartyCookies === "blocked") {
    await session.send("Network.enable");
    await session.send("Network.setCookieControls", { enableThirdPartyCookieRestriction: true });
  }
  session.on("Audits.issueAdded", ({ issue }) => {
    const details = issue.details.corsIssueDetails;
    if (issue.code !== "CorsIssue" || details === undefined || details.isWarning) return;
    reasons.add(runKey(details.request.url), details.corsErrorStatus.corsError);
  });
  await session.send("Audits.enable");
  // A request that failed with no CORS issue (refused, not resolved): Chromium's net:: error.
  const failures = new Map<string, string>();
  page.on("requestfailed", (request) =>
    failures.set(runKey(request.url()), request.failure()?.errorText ?? "failed"),
  );
  const tab: EngineTab = {
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => never, arg),
    click: (selector) => page.click(selector, { timeout: timeoutMs }),
    blockReason: async (key, waitMs) => (await reasons.next(key, waitMs)) ?? failures.get(key),
    close: () => page.close(),
  };
  return { tab, ...(await load(page, pageUrl, timeoutMs)) };
}

/** Loads the page; what loaded instead when it is not the lab's. */
async function load(page: Page, pageUrl: string, timeoutMs: number): Promise<Omit<Opened, "tab">> {
  let response: Response | null;
  try {
    response = await page.goto(pageUrl, { waitUntil: "load", timeout: timeoutMs });
  } catch (error) {
    return loadOutcome(undefined, error);
  }
  let request = response?.request();
  while (request?.redirectedFrom()) request = request.redirectedFrom() ?? undefined;
  return loadOutcome(await request?.response());
}
