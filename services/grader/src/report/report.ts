// The grader's vocabulary, at the bottom of its reports (issue #21): what a pair got, what a check
// found, how a run is grouped (a check, in each engine it ran in), and the words every report uses
// for them. Nothing here writes or prints; the terminal, the Markdown summary, the JUnit file and the
// Check button are built on top of it.
import type { RequestKind } from "../../../shared/src/console-contract.ts";
import type { MdnName } from "../../../shared/src/cors-rules.ts";
import { describeExpected, describeGot, type PairExpectation } from "../../../shared/src/expectations.ts";
import type { ClassroomResult } from "../classroom-result.ts";
import {
  ENGINE_TITLES,
  type EngineName,
  type LocalNetwork,
  type ThirdPartyCookies,
} from "../engines/engine.ts";

export type Outcome =
  | {
      readonly result: "allowed";
      readonly status: number;
      /**
       * The answer's X-Request-Id as the page could read it; null when the browser hid it; absent
       * for an answer that is not the lab's (the student's own API, issue #25).
       */
      readonly requestId?: string | null;
      /** True when the answer the page read held the victim's secret (step 10, /me). */
      readonly secretRead?: true;
    }
  | {
      readonly result: "blocked";
      readonly cause: "cors";
      /**
       * The engine's code for the block: Chromium's CORS error code; for Firefox and WebKit the MDN
       * name their words map to, or their words as they are when they map to none (issue #14).
       */
      readonly reason: string;
      /** The failed rule in MDN's names, the same in every engine; absent when the engine's words name none. */
      readonly rule?: MdnName;
      /** The engine's own words (Firefox, WebKit). */
      readonly said?: string;
      /**
       * Set when the rule was told by the lab's record of the request (or, for the student's own API,
       * by its answer to the grader) rather than the engine's words alone.
       */
      readonly evidence?: "the lab's record" | "the server's answer";
      /** The rule the page's console named for the block, from the app's own record (issue #12). */
      readonly explained?: string;
    }
  | { readonly result: "blocked"; readonly cause: "other"; readonly reason: string }
  /**
   * Chromium's Local Network Access (issue #23): a public website's page may not reach a local or
   * loopback address without the user's permission. The request never left; not a CORS decision.
   */
  | { readonly result: "blocked"; readonly cause: "local-network"; readonly reason: string }
  /** The student's policy failed on the request: not a CORS decision, whatever the browser did. */
  | { readonly result: "blocked"; readonly cause: "policy"; readonly reason: string }
  /**
   * Something other than the lab answered (a port forwarder's sign-in, say): not a CORS decision
   * about the lab, whatever the browser reported. `status` is that answer's.
   */
  | {
      readonly result: "blocked";
      readonly cause: "forwarder";
      readonly status: number;
      readonly reason: string;
    };

export interface PairResult {
  readonly page: string;
  readonly target: string;
  readonly expected: PairExpectation;
  readonly got: Outcome;
  readonly pass: boolean;
}

export interface Summary {
  readonly pairs: number;
  readonly passed: number;
  readonly failed: number;
  readonly allowed: number;
  readonly blockedCors: number;
  readonly blockedOther: number;
  /** Blocked by Local Network Access before the request left the browser (issue #23). */
  readonly localNetwork: number;
  /** Pairs on which the student's policy failed. */
  readonly policyFailed: number;
  /** Pairs answered by something other than the lab (a port forwarder's sign-in). */
  readonly notTheLab: number;
}

/** What one check (a step, or an expectations file) found. */
export interface Report {
  readonly title: string;
  /** The step of the guide, when the check is one. */
  readonly step?: number;
  readonly expectations: string;
  readonly request: RequestKind;
  /** What each page asked for, and where the browser was signed in as the victim (null: nowhere). */
  readonly asked: { readonly path: string; readonly signedIn: readonly string[] };
  /** How many page origins the check loaded (the lab's, and its extra pages). */
  readonly pageCount: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Starting the browser, and running every pair once it is up. */
  readonly timings: { readonly launchMs: number; readonly matrixMs: number };
  /**
   * The student's API, when the check is of it (--api, issue #25): the one target of every pair,
   * and its request in words (their own method and headers).
   */
  readonly api?: { readonly url: string; readonly request: string };
  /** The engine the check ran in (issue #14), and its version. */
  readonly engine: EngineName;
  readonly browser: string;
  /** Third-party cookies as the engine ships them, or withheld by Chromium too (issue #20). */
  readonly thirdPartyCookies: ThirdPartyCookies;
  /** Local Network Access as a user never asked, or who allowed it (issue #23). */
  readonly localNetwork: LocalNetwork;
  /** Where the browser kept no session cookie when it signed in as the victim (issue #20). */
  readonly signInsRefused: readonly string[];
  readonly origins: readonly string[];
  readonly summary: Summary;
  readonly pairs: readonly (PairResult & { readonly hint: string | undefined })[];
}

/** One check of a run (a step, or an expectations file), with its report in each engine it ran in. */
export interface CheckRun {
  /** The check's name, as result.json's test names it ("Step 3: …"). */
  readonly name: string;
  /** One report per engine, in the run's engine order. */
  readonly reports: readonly Report[];
}

/** What a run graded: its checks in order, each in every engine, and the grade. */
export interface GradedRun {
  readonly checks: readonly CheckRun[];
  readonly result: ClassroomResult;
}

/** Every report of a run, check by check, each in every engine. */
export const reportsOf = (run: GradedRun): Report[] => run.checks.flatMap((check) => [...check.reports]);

/** The engine and its version, in words: "Firefox 153.7.0". */
export const browserOf = (report: Pick<Report, "engine" | "browser">) =>
  `${ENGINE_TITLES[report.engine]} ${report.browser}`;

/** Each engine of the reports once, in words, in the order they first appear. */
export const browsersOf = (reports: readonly Report[]) => [...new Set(reports.map(browserOf))];

export { describeExpected, describeGot };
