// Debian's Chromium through playwright-core. DevTools' Audits domain names the CORS error of a block
// by its code; a sign-in is taken once per origin and handed to every context as its storage state.
import { type Browser, type BrowserContext, chromium, type Page, type Response } from "playwright-core";
import { signInAsTheVictim } from "../in-page/use-console.ts";
import {
  type Engine,
  type EngineOptions,
  type EngineTab,
  keyedEvents,
  loadOutcome,
  type Opened,
  runKey,
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

type SignedIn = Awaited<ReturnType<BrowserContext["storageState"]>>;

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
    open: async (pageUrl, signedInAt) => {
      const state = signedInAt === undefined ? undefined : await signedIn(signedInAt);
      const context = await browser.newContext(state ? { storageState: state } : {});
      try {
        return await openTab(context, pageUrl, options.timeoutMs);
      } catch (error) {
        await context.close();
        throw error;
      }
    },
    close: () => browser.close(),
  };
}

/** Signs a browser in as the victim at `origin`, as a student would (the page's button); its cookies. */
async function signIn(browser: Browser, origin: string, timeoutMs: number): Promise<SignedIn> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(`${origin}/`, { waitUntil: "load", timeout: timeoutMs });
    await tab.evaluate(signInAsTheVictim);
    // The sign-in answers 303 back to the page, which then says the browser is signed in.
    await tab.locator("#signed-in").waitFor({ timeout: timeoutMs });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

async function openTab(context: BrowserContext, pageUrl: string, timeoutMs: number): Promise<Opened> {
  const page = await context.newPage();
  const reasons = keyedEvents();
  const session = await context.newCDPSession(page);
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
    blockReason: async (key, waitMs) => (await reasons.next(key, waitMs)) ?? failures.get(key),
    close: () => context.close(),
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
