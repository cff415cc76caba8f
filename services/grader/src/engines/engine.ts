// What the grader needs of a browser engine (issue #14): a browser context (signed in as the victim
// first, if asked), a page origin's console opened in it, a function run there, and the engine's own
// words for why a request of the console's was blocked. Everything else (which pairs, what counts as a
// CORS block, the evidence) is the engine-neutral BrowserProbe's.
import { CONSOLE } from "../../../shared/src/console-contract.ts";
import {
  ENGINE_TITLES,
  ENGINES,
  type EngineName,
  LOCAL_NETWORK,
  type LocalNetwork,
  THIRD_PARTY_COOKIES,
  type ThirdPartyCookies,
} from "../../../shared/src/engine-names.ts";
import { answeredByLab } from "../../../shared/src/http-server.ts";

export type { EngineName, LocalNetwork, ThirdPartyCookies };
export { ENGINE_TITLES, ENGINES, LOCAL_NETWORK, THIRD_PARTY_COOKIES };

/** A page origin's console, open in an engine, in a browser context (cookies, caches) of its own. */
export interface EngineTab {
  /** Runs `fn(arg)` in the page and resolves with what it resolves to (plain data). */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Clicks the element `selector` names as a user would: with the user activation a pop-up needs. */
  click(selector: string): Promise<void>;
  /**
   * The engine's code or words for why the console's request `key` (runKey) failed, waiting up to
   * `waitMs` for them; undefined when it gave none.
   */
  blockReason(key: string, waitMs: number): Promise<string | undefined>;
  /** Closes this tab alone. */
  close(): Promise<void>;
}

/** How an engine's tab opened: its console, or what loaded instead (a reason the page is not the lab's). */
export interface Opened {
  readonly tab: EngineTab;
  /** Where the browser refused the victim's session cookie (a sign-in that did not take). */
  readonly signInsRefused?: readonly string[];
  /** Set when the page did not load, or is not the lab's console: the page's own words. */
  readonly notLoaded?: string;
  /** The status of the first answer to the page, when the engine knows it and it was not the lab's. */
  readonly answeredBy?: { readonly status: number; readonly location: string | undefined };
}

export interface Engine {
  readonly name: EngineName;
  /** The browser's version, as the browser gives it. */
  readonly version: string;
  /** False once the browser has gone away (crashed, killed). */
  readonly connected: boolean;
  /**
   * A fresh browser context (cookies, caches), signed in as the victim at each of `signedInAt`:
   * the victim's one browser, in which a run's pages are opened side by side, each in a tab of its
   * own, as a student would open them (issue #21: a sign-in per run, not per page).
   */
  context(how: OpenOptions, pages: ContextPages): Promise<EngineContext>;
  close(): Promise<void>;
}

/** Whether a context is for one page (a claim's, the Check button's) or for a run's many. */
export type ContextPages = "one" | "many";

/** A browser context of an engine: its cookies, caches and preflight cache, shared by its tabs. */
export interface EngineContext {
  /** Loads `pageUrl` in a new tab of this context. */
  open(pageUrl: string): Promise<Opened>;
  /** Closes the context and every tab still open in it. */
  close(): Promise<void>;
}

/** An answer to a page load, as Playwright and puppeteer both give it. */
interface PageAnswer {
  status(): number;
  headers(): Record<string, string>;
}

/**
 * How a page load went, from its first answer (before any redirect: a forwarder's sign-in answers
 * the page with a 302) or from the error the load threw.
 */
export function loadOutcome(first: PageAnswer | null | undefined, error?: unknown): Omit<Opened, "tab"> {
  if (error !== undefined) {
    return { notLoaded: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "" };
  }
  if (first && !answeredByLab(first.headers())) {
    return { answeredBy: { status: first.status(), location: first.headers().location } };
  }
  return {};
}

/** How a page is opened: where the victim signs in first, and the user's settings. */
export interface OpenOptions {
  readonly signedInAt: readonly string[];
  readonly thirdPartyCookies: ThirdPartyCookies;
  readonly localNetwork: LocalNetwork;
}

export interface EngineOptions {
  /** How long a page load or one request may take before it counts as a failure. */
  readonly timeoutMs: number;
  /** Chromium's --host-resolver-rules; its `MAP` rules are followed by every engine. */
  readonly hostResolverRules: string;
  /** Public-key hashes of certificates to trust besides the system's (a test's port forwarder). */
  readonly trustedSpki: readonly string[];
  /** Every origin a page of the run may be on or fetch: the loopback names among them are relayed. */
  readonly origins: readonly string[];
}

/**
 * A console request known by its URL without the query and its run's number: the console marks
 * each request `?console=PAGE.RUN`, and a page kept open for several checks fetches a URL many times.
 */
export function runKey(url: string): string {
  const index = url.indexOf("?");
  if (index < 0) return url;
  const mark = new URLSearchParams(url.slice(index + 1)).get(CONSOLE.requestParam) ?? "";
  return `${url.slice(0, index)} ${mark.slice(mark.lastIndexOf(".") + 1)}`;
}

/** Waits for values that arrive by key (an engine's events), for up to a given time per key. */
export function keyedEvents(): {
  add(key: string, value: string): void;
  next(key: string, waitMs: number): Promise<string | undefined>;
} {
  const seen = new Map<string, string>();
  const waiting = new Map<string, (value: string) => void>();
  return {
    add(key, value) {
      if (!seen.has(key)) seen.set(key, value);
      waiting.get(key)?.(value);
    },
    next(key, waitMs) {
      const known = seen.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, waitMs);
        waiting.set(key, (value) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(value);
        });
      });
    },
  };
}
