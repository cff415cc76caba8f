// Drives Debian's Chromium through playwright-core: loads a page origin's `/`, uses its request
// console to fetch a target's `/headers`, and asks DevTools (Audits domain) why a block happened.
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from "playwright-core";
import { CONSOLE, type RequestKind } from "../../shared/src/console-contract.ts";
import { useRequestConsole } from "./in-page/use-console.ts";

export type Outcome =
  | {
      readonly result: "allowed";
      readonly status: number;
      /** The answer's X-Request-Id as the page could read it; null when the browser hid it. */
      readonly requestId: string | null;
    }
  | { readonly result: "blocked"; readonly cause: "cors"; readonly reason: string }
  | { readonly result: "blocked"; readonly cause: "other"; readonly reason: string }
  /** The student's policy failed on the request: not a CORS decision, whatever the browser did. */
  | { readonly result: "blocked"; readonly cause: "policy"; readonly reason: string };

// Chromium reports Local Network Access refusals as CorsIssues too; they are not CORS decisions.
const NOT_CORS = new Set([
  "InsecureLocalNetwork",
  "InvalidLocalNetworkAccess",
  "LocalNetworkAccessPermissionDenied",
]);

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

export interface ProbeOptions {
  readonly executablePath: string;
  /** How long a page load or one request may take before it counts as a failure. */
  readonly timeoutMs: number;
  /**
   * Chromium's --host-resolver-rules, e.g. `MAP *.localhost proxy`: inside Compose the attacker
   * sites under .localhost are served by the proxy container, not by this container's loopback.
   */
  readonly hostResolverRules?: string;
}

/** How long to wait, after a blocked fetch, for Chromium's issue that names the reason. */
const ISSUE_GRACE_MS = 2000;

export class BrowserProbe {
  readonly #browser: Browser;
  readonly #timeoutMs: number;

  private constructor(browser: Browser, timeoutMs: number) {
    this.#browser = browser;
    this.#timeoutMs = timeoutMs;
  }

  static async launch(options: ProbeOptions): Promise<BrowserProbe> {
    const browser = await chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args: options.hostResolverRules
        ? [...CHROMIUM_FLAGS, `--host-resolver-rules=${options.hostResolverRules}`]
        : CHROMIUM_FLAGS,
      timeout: options.timeoutMs,
    });
    return new BrowserProbe(browser, options.timeoutMs);
  }

  version(): string {
    return this.#browser.version();
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Loads the page at `pageUrl` in a fresh context and fetches each target from its console, in turn. */
  async probeFrom(
    pageUrl: string,
    targets: readonly string[],
    kind: RequestKind,
  ): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const context = await this.#browser.newContext();
    try {
      const tab = await context.newPage();
      const issues = await watchCorsIssues(context, tab);
      const failures = new Map<string, string>();
      tab.on("requestfailed", (request) =>
        failures.set(withoutQuery(request.url()), request.failure()?.errorText ?? "failed"),
      );
      try {
        await tab.goto(pageUrl, { waitUntil: "load", timeout: this.#timeoutMs });
      } catch (error) {
        const reason = `the page ${pageUrl} did not load: ${firstLine(error)}`;
        for (const target of targets) outcomes.set(target, { result: "blocked", cause: "other", reason });
        return outcomes;
      }
      for (const [index, target] of targets.entries()) {
        outcomes.set(target, await this.#fetchFromConsole(tab, target, kind, index + 1, issues, failures));
      }
      return outcomes;
    } finally {
      await context.close();
    }
  }

  async #fetchFromConsole(
    tab: Page,
    target: string,
    kind: RequestKind,
    run: number,
    issues: CorsIssues,
    failures: Map<string, string>,
  ): Promise<Outcome> {
    const url = `${target}/headers`;
    try {
      // The page's own console makes the request, as a student's click would (submitting its form),
      // and one round trip reports the outcome it shows; Playwright's click and select actions, with
      // their waits for a stable layout, cost more than the request itself.
      const shown = await tab.evaluate(useRequestConsole, {
        contract: CONSOLE,
        target,
        kind,
        run,
        timeoutMs: this.#timeoutMs,
      });
      if (shown.state === CONSOLE.states.allowed) {
        return { result: "allowed", status: shown.status ?? 0, requestId: shown.requestId };
      }
      if (shown.state === CONSOLE.states.policyFailed) {
        return { result: "blocked", cause: "policy", reason: shown.failure ?? "your policy failed" };
      }
    } catch (error) {
      return {
        result: "blocked",
        cause: "other",
        reason: `the request console did not answer: ${firstLine(error)}`,
      };
    }
    const error = await issues.next(url, ISSUE_GRACE_MS);
    if (error !== undefined && !NOT_CORS.has(error))
      return { result: "blocked", cause: "cors", reason: error };
    return {
      result: "blocked",
      cause: "other",
      reason: error ?? failures.get(url) ?? "blocked without a reason",
    };
  }
}

interface CorsIssues {
  /** The CORS error Chromium reported for `url`, waiting up to `waitMs` for it to arrive. */
  next(url: string, waitMs: number): Promise<string | undefined>;
}

async function watchCorsIssues(context: BrowserContext, tab: Page): Promise<CorsIssues> {
  const session: CDPSession = await context.newCDPSession(tab);
  const seen = new Map<string, string>();
  const waiting = new Map<string, (error: string) => void>();
  session.on("Audits.issueAdded", ({ issue }) => {
    const details = issue.details.corsIssueDetails;
    if (issue.code !== "CorsIssue" || details === undefined || details.isWarning) return;
    const url = withoutQuery(details.request.url);
    const error = details.corsErrorStatus.corsError;
    if (!seen.has(url)) seen.set(url, error);
    waiting.get(url)?.(error);
  });
  await session.send("Audits.enable");
  return {
    next(url, waitMs) {
      const known = seen.get(url);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(url);
          resolve(undefined);
        }, waitMs);
        waiting.set(url, (error) => {
          clearTimeout(timer);
          waiting.delete(url);
          resolve(error);
        });
      });
    },
  };
}

/** The console marks each request with a query parameter; a pair is known by its URL without it. */
function withoutQuery(url: string): string {
  const index = url.indexOf("?");
  return index < 0 ? url : url.slice(0, index);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
