// Runs the console's requests in a browser engine (engines/): loads a page origin's `/` (again once,
// when the browser missed it), uses its request console to fetch a target, and gathers the evidence
// of a block: the engine's words, who answers the same request, the app's record of it. What the
// block was is classify-block.ts's to say.
import { CONSOLE, type ConsolePath, type RequestKind } from "../../shared/src/console-contract.ts";
import { LimitPassedError, withinLimit } from "../../shared/src/retry.ts";
import { answeredInstead, classifyBlock } from "./classify-block.ts";
import type {
  ContextPages,
  Engine,
  EngineContext,
  EngineTab,
  Opened,
  OpenOptions,
} from "./engines/engine.ts";
import { CONSOLE_NOT_LIVE, type ConsoleOutcome, useRequestConsole } from "./in-page/use-console.ts";
import type { LabClient } from "./lab-client.ts";
import type { Outcome } from "./report/report.ts";

/** What a check asks of each page's console, and in which browser state. */
export interface ConsoleUse {
  readonly kind: RequestKind;
  readonly path: ConsolePath;
  /** Where the browser signs in as the victim, in turn, before the page loads. */
  readonly signedInAt: readonly string[];
}

/** How long to wait, after a blocked fetch, for the engine's words that name the reason. */
export const REASON_GRACE_MS = 2000;

export class BrowserProbe {
  readonly #engine: Engine;
  readonly #timeoutMs: number;
  readonly #client: LabClient;

  constructor(engine: Engine, options: { readonly timeoutMs: number; readonly client: LabClient }) {
    this.#engine = engine;
    this.#timeoutMs = options.timeoutMs;
    this.#client = options.client;
  }

  get engine(): Engine["name"] {
    return this.#engine.name;
  }

  version(): string {
    return this.#engine.version;
  }

  /** False once the browser has gone away (crashed, killed). */
  get connected(): boolean {
    return this.#engine.connected;
  }

  /**
   * False once the browser has gone away, or a call into it outlived its limit (a browser that
   * hung once may hang again: a warm Firefox was seen to, issue #21): a warm grader starts another
   * before the next run.
   */
  get usable(): boolean {
    return this.#engine.connected && !this.#overdue;
  }

  #overdue = false;

  /** withinLimit, noting when the limit passed. */
  #bounded<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
    return withinLimit(promise, limitMs, what).catch((error: unknown) => {
      if (error instanceof LimitPassedError) this.#overdue = true;
      throw error;
    });
  }

  async close(): Promise<void> {
    await this.#engine.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * A page in a fresh context of its own, for a claim's measurement (issue #20), the Check button
   * or an API's check (issues #24, #25); throws, naming the page, when it did not load as the
   * lab's. Opened once more when the first try fails: on a loaded machine a browser misses a start
   * or a navigation now and then (WebKit's inspector was seen to list no page within the limit).
   */
  async openPage(pageUrl: string, how: OpenOptions): Promise<Opened> {
    return this.#openPageOnce(pageUrl, how).catch(() => this.#openPageOnce(pageUrl, how));
  }

  async #openPageOnce(pageUrl: string, how: OpenOptions): Promise<Opened> {
    const context = await this.#newContext(how, "one");
    let opened: Opened;
    try {
      opened = await this.#bounded(context.open(pageUrl), this.#timeoutMs * 2, `opening ${pageUrl}`);
    } catch (error) {
      await this.#closeContext(context);
      throw error;
    }
    // The page's context is its own: closing the page closes it.
    const tab = { ...opened.tab, close: () => this.#closeContext(context) };
    if (opened.notLoaded === undefined && opened.answeredBy === undefined) return { ...opened, tab };
    await this.#closeContext(context);
    const why = opened.notLoaded ?? `answered ${opened.answeredBy?.status}, not by the lab`;
    throw new Error(`the page ${pageUrl} did not load: ${why}`);
  }

  /**
   * Pages kept open for the checks of one run, which all see the same policy (issue #11): each
   * page origin's console is loaded once, in a tab of the run's context for the sign-ins it needs
   * (the victim's one browser: a sign-in per run, not per page), and every check after the first
   * uses it again, one check at a time per page. The contexts close at the end of the run, so no
   * preflight cache or cookie outlives it. The user's settings are the run's (issues #20, #23).
   */
  keepPagesOpen(settings: Omit<OpenOptions, "signedInAt">): PageKeeper {
    const contexts = new Map<string, Promise<EngineContext>>();
    /** Contexts replaced by a new one (see `renew`): their pages stay in use until the run closes. */
    const retired: Promise<EngineContext>[] = [];
    const pages = new Map<string, Promise<OpenPage>>();
    const turns = new Map<string, Promise<unknown>>();
    const refused = new Set<string>();
    const contextFor = (signedInAt: readonly string[]): ContextSource => {
      const key = signedInAt.join(" ");
      return {
        get: () => {
          const known = contexts.get(key);
          if (known !== undefined) return known;
          const creating = this.#newContext({ ...settings, signedInAt }, "many");
          contexts.set(key, creating);
          // One that failed is made afresh for the page opened next (#open's second try).
          creating.catch(() => {
            if (contexts.get(key) === creating) contexts.delete(key);
          });
          return creating;
        },
        renew: (failed) => {
          if (contexts.get(key) !== failed) return;
          contexts.delete(key);
          retired.push(failed);
        },
      };
    };
    return {
      probeFrom: (pageUrl, targets, use) => {
        const key = `${pageUrl} ${use.signedInAt.join(" ")}`;
        if (!pages.has(key)) {
          const opening = this.#open(pageUrl, contextFor(use.signedInAt));
          pages.set(key, opening);
          void opening.then((page) => {
            for (const origin of page.signInsRefused ?? []) refused.add(origin);
          });
        }
        // A page whose console never came alive is opened again in a new tab, for this check and
        // the next (a warm Firefox's page was seen to load with its script never running).
        const reopen = async (stale: OpenPage) => {
          if (stale.tab) await this.#closeTab(stale.tab);
          const fresh = this.#open(pageUrl, contextFor(use.signedInAt));
          pages.set(key, fresh);
          return fresh;
        };
        const turn = (turns.get(key) ?? Promise.resolve()).then(async () =>
          this.#probe(await (pages.get(key) as Promise<OpenPage>), targets, use, reopen),
        );
        turns.set(
          key,
          turn.catch(() => undefined),
        );
        return turn;
      },
      signInsRefused: () => [...refused],
      close: async () => {
        await Promise.allSettled(pages.values());
        const open = await Promise.allSettled([...retired, ...contexts.values()]);
        await Promise.all(
          open.map((context) =>
            context.status === "fulfilled" ? this.#closeContext(context.value) : undefined,
          ),
        );
      },
    };
  }

  /**
   * A page origin's console in a context of its own; what every pair from it is when it is not the
   * lab's. A page the engine could not open or load while the lab answers it is opened once more,
   * in a new context: on a loaded machine a browser misses a navigation or a sign-in now and then
   * (measured with three engines on two cores), which says nothing about the lab, and a context
   * may stop answering altogether (a WebKit window that opens the run's pages was seen to, with
   * the four pages it had left to open; issue #21).
   */
  async #open(pageUrl: string, context: ContextSource): Promise<OpenPage> {
    const used = context.get();
    const first = await this.#openOnce(pageUrl, () => used);
    if (!first.again) return first.page;
    if (first.page.tab) await this.#closeTab(first.page.tab);
    context.renew(used);
    return (await this.#openOnce(pageUrl, context.get)).page;
  }

  /**
   * A context signed in where `how` says, within twice the run's time limit per sign-in and load: a
   * context that comes after that is closed when it comes.
   */
  #newContext(how: OpenOptions, pages: ContextPages): Promise<EngineContext> {
    const creating = this.#engine.context(how, pages);
    const within = this.#bounded(
      creating,
      this.#timeoutMs * 2 * (1 + how.signedInAt.length),
      how.signedInAt.length > 0 ? `signing in at ${how.signedInAt.join(" and ")}` : "a browser context",
    );
    within.catch(() =>
      creating.then(
        (late) => this.#closeContext(late),
        () => undefined,
      ),
    );
    return within;
  }

  /** Closes a context and its tabs, giving up after the run's time limit (see #closeTab). */
  async #closeContext(context: EngineContext): Promise<void> {
    await this.#bounded(context.close(), this.#timeoutMs, "closing a browser context").catch(() => undefined);
  }

  /**
   * Closes a tab, giving up after the run's time limit: a browser's call with no limit of its own
   * may hang now and then (a warm Firefox's run was seen to), and must not hold the run.
   */
  async #closeTab(tab: EngineTab): Promise<void> {
    await this.#bounded(tab.close(), this.#timeoutMs, "closing a page").catch(() => undefined);
  }

  /** One try at opening a page; `again` when it failed for the browser's reasons alone. */
  async #openOnce(
    pageUrl: string,
    context: () => Promise<EngineContext>,
  ): Promise<{ page: OpenPage; again: boolean }> {
    let opened: Opened;
    // A load has the run's time limit; the opening, twice that. A page that opens after that is
    // closed when it comes.
    let opening: Promise<Opened> | undefined;
    try {
      opening = (await context()).open(pageUrl);
      opened = await this.#bounded(opening, this.#timeoutMs * 2, `opening ${pageUrl}`);
    } catch (error) {
      void opening?.then(
        (late) => this.#closeTab(late.tab),
        () => undefined,
      );
      const evidence = await this.#notTheLab(pageUrl);
      if (evidence !== undefined) return { page: { tab: undefined, notLoaded: evidence }, again: false };
      const reason = `the page ${pageUrl} did not open: ${firstLine(error)}`;
      return {
        page: { tab: undefined, notLoaded: { result: "blocked", cause: "other", reason } },
        again: true,
      };
    }
    if (opened.answeredBy !== undefined) {
      const { status, location } = opened.answeredBy;
      const reason = answeredInstead(pageUrl, status, location);
      return {
        page: { tab: opened.tab, notLoaded: { result: "blocked", cause: "forwarder", status, reason } },
        again: false,
      };
    }
    if (opened.notLoaded === undefined) {
      const refused = opened.signInsRefused ? { signInsRefused: opened.signInsRefused } : {};
      return { page: { tab: opened.tab, notLoaded: undefined, ...refused }, again: false };
    }
    const evidence = await this.#notTheLab(pageUrl);
    if (evidence !== undefined) return { page: { tab: opened.tab, notLoaded: evidence }, again: false };
    const reason = `the page ${pageUrl} did not load: ${opened.notLoaded}`;
    return {
      page: { tab: opened.tab, notLoaded: { result: "blocked", cause: "other", reason } },
      again: true,
    };
  }

  /** Fetches each target from an open page's console, in turn. */
  async #probe(
    page: OpenPage,
    targets: readonly string[],
    use: ConsoleUse,
    reopen: (stale: OpenPage) => Promise<OpenPage>,
  ): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    let current = page;
    let reopened = false;
    const ask = (target: string) =>
      current.tab === undefined ? current.notLoaded : this.#request(current, target, use);
    for (const target of targets) {
      let got = await ask(target);
      if ("notLive" in got && !reopened) {
        reopened = true;
        current = await reopen(current);
        got = await ask(target);
      }
      outcomes.set(target, "notLive" in got ? got.notLive : got);
    }
    return outcomes;
  }

  /**
   * One pair's request, sent again once when the console did not answer: that is the browser's
   * hiccup on a loaded machine (three engines on two cores), never a verdict. `notLive` when the
   * console's script never started: the tab, not the request, is at fault.
   */
  async #request(
    page: OpenPage & { readonly tab: EngineTab },
    target: string,
    use: ConsoleUse,
  ): Promise<Outcome | { readonly notLive: Outcome }> {
    if (page.notLoaded !== undefined) return page.notLoaded;
    const first = await this.#fetchFromConsole(page.tab, target, use);
    const silent = (reason: string) =>
      ({
        result: "blocked",
        cause: "other",
        reason: `the request console did not answer: ${reason}`,
      }) as const;
    if (!("silent" in first)) return first;
    if (first.silent.includes(CONSOLE_NOT_LIVE)) return { notLive: silent(first.silent) };
    const again = await this.#fetchFromConsole(page.tab, target, use);
    if (!("silent" in again)) return again;
    return silent(again.silent);
  }

  /**
   * What answered `url` when not the lab, asked without the browser: evidence for a page the
   * browser could not load. Undefined when the lab answered it.
   */
  async #notTheLab(url: string): Promise<Outcome | undefined> {
    const answered = await this.#client.ask(url, "GET", {});
    // The lab answered: whatever kept the browser from the page was the browser's, not evidence.
    if (!("error" in answered) && answered.fromLab) return undefined;
    return classifyBlock({
      engine: this.#engine.name,
      url,
      said: undefined,
      answered,
      record: undefined,
      explained: undefined,
    });
  }

  /** The outcome of one request from the console; `silent` when the console did not answer at all. */
  async #fetchFromConsole(
    tab: EngineTab,
    target: string,
    { kind, path }: ConsoleUse,
  ): Promise<Outcome | { readonly silent: string }> {
    const url = `${target}${path}`;
    let shown: ConsoleOutcome;
    try {
      // The page's own console makes the request, as a student's click would (submitting its form),
      // and one round trip reports the outcome it shows.
      // Bounded here too (the console's own two waits, and the engine's round trip): a warm
      // Firefox's run was seen to hang, and an evaluation has no limit of its own. A console that
      // did not answer is asked once more (#request).
      shown = await this.#bounded(
        tab.evaluate(useRequestConsole, {
          contract: CONSOLE,
          target,
          path,
          kind,
          timeoutMs: this.#timeoutMs,
        }),
        this.#timeoutMs * 2 + REASON_GRACE_MS,
        "the request console",
      );
      if (shown.state === CONSOLE.states.allowed) {
        return {
          result: "allowed",
          status: shown.status ?? 0,
          requestId: shown.requestId,
          ...(shown.secret === "read" ? { secretRead: true as const } : {}),
        };
      }
      if (shown.state === CONSOLE.states.policyFailed) {
        return { result: "blocked", cause: "policy", reason: shown.failure ?? "your policy failed" };
      }
    } catch (error) {
      return { silent: firstLine(error) };
    }
    // The app's record is asked for at once, while the engine's words may still be on their way:
    // the request log is a ring, and on a busy run other pages' requests would push it out.
    const recorded =
      shown.mark === undefined
        ? Promise.resolve(undefined)
        : this.#client.explain(target, shown.mark, kind === "credentialed");
    const said = await tab.blockReason(`${url} ${shown.run}`, REASON_GRACE_MS);
    const preflighted = kind === "preflight";
    // Whatever the browser says, a block counts as CORS only if the lab gave the answer it judged.
    const [answered, record] = await Promise.all([
      this.#client.ask(
        url,
        preflighted ? "OPTIONS" : "GET",
        preflighted ? { origin: shown.origin ?? "null", "access-control-request-method": "PUT" } : {},
      ),
      recorded,
    ]);
    return classifyBlock({
      engine: this.#engine.name,
      url,
      said,
      answered,
      record,
      explained: shown.rule,
      shown: shown.text,
    });
  }
}

/** A page origin's console, loaded; or, when the engine could not open it at all, what every pair from it is. */
type OpenPage =
  | {
      readonly tab: EngineTab;
      /** What every pair from this page is when it is not the lab's console; undefined when it is. */
      readonly notLoaded: Outcome | undefined;
      /** Where the browser kept no session cookie when it signed in as the victim. */
      readonly signInsRefused?: readonly string[];
    }
  | { readonly tab: undefined; readonly notLoaded: Outcome; readonly signInsRefused?: undefined };

/** The run's context for one set of sign-ins. */
interface ContextSource {
  /** The context the run's pages open in, made when first asked for. */
  get(): Promise<EngineContext>;
  /** Has the next page open in a new context, when `failed` is still the one given. */
  renew(failed: Promise<EngineContext>): void;
}

/** BrowserProbe's pages, kept open for the checks of one run. */
export interface PageKeeper {
  probeFrom(pageUrl: string, targets: readonly string[], use: ConsoleUse): Promise<Map<string, Outcome>>;
  /** The origins where the browser kept no session cookie, in the pages opened so far. */
  signInsRefused(): string[];
  close(): Promise<void>;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
