// Runs in the lab's page, not in Node: Playwright sends this function to the browser. Server code is
// compiled without the DOM library (tsconfig.json), so the few DOM shapes it touches are declared
// here, narrowly, for this module alone.
import {
  CONSOLE,
  type ConsoleContract,
  type ConsolePath,
  type RequestKind,
} from "../../../shared/src/console-contract.ts";

interface Field {
  value: string;
}
/** The console's outcome element (and the form): what it shows is in its data attributes. */
interface OutcomeElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
}
declare const document: {
  getElementById(id: string): (Field & OutcomeElement & { requestSubmit(): void; click(): void }) | null;
};
declare const location: { readonly origin: string };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: OutcomeElement, options: { attributes: true }): void;
  disconnect(): void;
}

export interface ConsoleRequest {
  readonly contract: ConsoleContract;
  readonly target: string;
  readonly kind: RequestKind;
  readonly path: ConsolePath;
  readonly timeoutMs: number;
}

/** What the console showed, read from its outcome's data attributes. */
export interface ConsoleOutcome {
  /** The run the console gave the request: its requests are marked `?console=PAGE.RUN`. */
  readonly run: number;
  readonly state: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | null;
  /** What the student's policy did wrong, when the console says it failed. */
  readonly failure: string | undefined;
  /** The CORS rule the app's answer failed, when the console could tell (from the app's record). */
  readonly rule: string | undefined;
  /** "read" when the answer the page read held the victim's secret. */
  readonly secret: string | undefined;
  /** The request's mark (`PAGE.RUN`), by which the app's record knows it. */
  readonly mark: string | undefined;
  /** The page's URL's origin (a sandboxed page's own origin is opaque; this is where it was served). */
  readonly origin: string;
  /** What the console says of the outcome, in its own words (the start of it). */
  readonly text: string;
}

/**
 * How useRequestConsole's error begins when the console's script never became live: the page
 * loaded but its script did not run, which a new tab mends (browser-probe.ts). Written out again in
 * the function, which runs in the page and sees nothing of this module.
 */
export const CONSOLE_NOT_LIVE = "the request console's script did not start";

/**
 * Picks `target` and `kind` in the request console, submits it as a click would, and waits for the
 * outcome of the run the form says it sent (the console counts its runs itself).
 */
export async function useRequestConsole(request: ConsoleRequest): Promise<ConsoleOutcome> {
  const { contract, target, path, kind, timeoutMs } = request;
  const { ids, data } = contract;
  const kinds = document.getElementById(ids.kind);
  const paths = document.getElementById(ids.path);
  const select = document.getElementById(ids.target);
  const form = document.getElementById(ids.form);
  const outcome = document.getElementById(ids.outcome);
  if (!kinds || !paths || !select || !form || !outcome) throw new Error("the page has no request console");
  paths.value = path;
  if (paths.value !== path) throw new Error(`the request console cannot fetch ${path}`);
  kinds.value = kind;
  if (kinds.value !== kind) throw new Error(`the request console cannot send a ${kind} request`);
  select.value = target;
  if (select.value !== target) throw new Error(`the request console does not offer ${target}`);
  /** Resolves once `holds()` is true of `element`'s attributes; rejects with `late` after the limit. */
  const until = (element: OutcomeElement, holds: () => boolean, late: string) =>
    new Promise<void>((resolve, reject) => {
      if (holds()) return resolve();
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`${late} within ${timeoutMs} ms`));
      }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (!holds()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve();
      });
      observer.observe(element, { attributes: true });
    });
  // Submitted before the console's script handles it, the form would navigate the page away.
  await until(form, () => form.dataset[data.live] === "true", "the request console's script did not start");
  form.requestSubmit();
  const run = form.dataset[data.submitted];
  if (run === undefined) throw new Error("the request console did not say which run it sent");
  await until(
    outcome,
    () =>
      outcome.dataset[data.run] === run &&
      (contract.settled as readonly string[]).includes(outcome.dataset[data.state] ?? ""),
    "no outcome",
  );
  const status = outcome.dataset[data.status];
  return {
    run: Number(run),
    state: outcome.dataset[data.state],
    status: status === undefined ? undefined : Number(status),
    requestId: outcome.dataset[data.requestId] ?? null,
    failure: outcome.dataset[data.failure],
    rule: outcome.dataset[data.rule],
    secret: outcome.dataset[data.secret],
    mark: outcome.dataset[data.mark],
    origin: location.origin,
    text: (outcome.textContent ?? "").slice(0, 300),
  };
}

/** Presses the page's "Sign in as the victim" (a form that posts to /sign-in and comes back). */
export function signInAsTheVictim(): void {
  const button = document.getElementById("sign-in");
  if (!button) throw new Error("the page has no sign-in button: is it the lab's?");
  button.click();
}

/** What the page says of a sign-in, once it is back: signed in, or that the browser kept no cookie. */
export const SIGN_IN_SHOWN = {
  signedIn: `#${CONSOLE.signIn.signedIn}`,
  refused: `#${CONSOLE.signIn.refused}`,
} as const;
export const SIGN_IN_DONE = `${SIGN_IN_SHOWN.signedIn}, ${SIGN_IN_SHOWN.refused}`;
