// The request console's page (services/app) and the grader that drives it (services/grader) agree on
// these names: the page is rendered with them, its script is served with them, and the grader looks
// for them. A change here changes all three at once.
const STATES = Object.freeze({
  idle: "idle",
  pending: "pending",
  allowed: "allowed",
  blocked: "blocked",
  /** Not a CORS decision: the student's policy failed on the request (issue #15). */
  policyFailed: "policy-failed",
  /**
   * Not a CORS decision about the lab: the request never reached it (a name that does not resolve,
   * or a cloud workspace's port forwarder answering with its sign-in; issue #9).
   */
  notReached: "not-reached",
});

export const CONSOLE = Object.freeze({
  /** Element ids. */
  ids: Object.freeze({
    form: "console",
    target: "target",
    path: "path",
    kind: "kind",
    send: "send",
    outcome: "outcome",
    response: "response",
    servedFrom: "served-from",
  }),
  /**
   * What the outcome element carries once a request is done, as `data-*` attributes (dataset keys):
   * the run it belongs to, its state, the HTTP status the page could read, the X-Request-Id it could read.
   */
  data: Object.freeze({
    run: "run",
    /** On the form: the run number of the request it sent last, set as it sends it. */
    submitted: "submitted",
    /** On the form: set once the console's script handles its submissions (a submit before that would navigate). */
    live: "live",
    state: "state",
    status: "status",
    requestId: "requestId",
    /** With the state `policy-failed`: what the student's policy did wrong, in plain words. */
    failure: "failure",
    /** With the state `blocked`: the rule of the CORS check the app's answer failed (cors-rules.ts). */
    rule: "rule",
    /** With the state `allowed`: "read" when the answer the page read held the victim's secret (/me). */
    secret: "secret",
    /** The mark of the request (`PAGE.RUN`), as the app's record knows it: the grader looks it up there. */
    mark: "mark",
  }),
  states: STATES,
  /** The states a request ends in: once the outcome shows one of these, the request is done. */
  settled: Object.freeze([STATES.allowed, STATES.blocked, STATES.policyFailed, STATES.notReached] as const),
  /**
   * The query parameter that marks each request the console sends, so that the page can find the
   * app's record of it (/requests.json) when the browser withholds the answer.
   */
  requestParam: "console",
  /** The header of the app's answer when the student's policy failed; same-origin pages can read it. */
  policyFailureHeader: "X-Lab-Policy-Failure",
  /** What the console can ask for (its `path` select's values): the request's echo, and the victim's data. */
  paths: Object.freeze(["/headers", "/me"] as const),
  /** The kinds of request the console sends (its `kind` select's values). */
  kinds: Object.freeze(["simple", "preflight", "credentialed"] as const),
  /**
   * The victim's sign-in (issue #12): its button, where it sends the browser back, and what the page
   * then shows: signed in, or that the browser kept no cookie (issue #20: WebKit keeps no Secure
   * cookie on http://localhost).
   */
  signIn: Object.freeze({
    button: "sign-in",
    back: "/?signed-in",
    signedIn: "signed-in",
    refused: "sign-in-refused",
  }),
  /**
   * "Check in this browser" (issue #24): a step's page opens a window of this name and drives the
   * request console in it, page origin after page origin, by these messages (postMessage).
   */
  inBrowser: Object.freeze({
    window: "cors-lab-check",
    /** From the window to its opener, each time a console page has loaded in it. */
    ready: "cors-lab:ready",
    /** From the opener: sign in as the victim here (the page then loads again, and says ready). */
    signIn: "cors-lab:sign-in",
    /** From the opener: send this request to each of these targets, and answer with the outcomes. */
    run: "cors-lab:run",
    /** From the window: the outcomes of a run. */
    results: "cors-lab:results",
  }),
});

export type ConsoleContract = typeof CONSOLE;

/**
 * What the app's /explain.json says of one of the console's requests, from its own record (issue
 * #12): whether it arrived, whether the policy failed on it, and which rule of the CORS check its
 * answer fails. The console asks it from its page; the grader asks it itself, for every page
 * (issue #22: a sandboxed page cannot read it).
 */
export type Explanation =
  | { readonly reached: false }
  | { readonly reached: true; readonly policyFailure: string }
  | {
      readonly reached: true;
      /** A rule of cors-rules.ts, or null when the app's answers pass the check. */
      readonly rule: string | null;
      readonly explanation: string;
      readonly status: number;
    };
export type RequestKind = ConsoleContract["kinds"][number];
export type ConsolePath = ConsoleContract["paths"][number];
