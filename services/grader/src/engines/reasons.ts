// What each engine's words about a blocked request mean, in one vocabulary (issue #14): MDN's names of
// the failed CORS rule. Chromium gives a code (DevTools' CorsError); Firefox a sentence whose reason
// is one of its security.properties messages (gecko's nsCORSListenerProxy); WebKit the error text of
// WebCore's CrossOriginAccessControl.cpp. Words that fit no pattern are reported as they are, never
// guessed into a rule; words that say the request never got an answer are not a CORS block at all.
import { type CorsRule, isCorsRule, MDN_NAMES, type MdnName } from "../../../shared/src/cors-rules.ts";
import type { EngineName } from "./engine.ts";

/** What an engine's words about a block say. */
export type Reading =
  | {
      readonly kind: "cors";
      /** The engine's code: Chromium's own, else the MDN name the words map to, else the words. */
      readonly code: string;
      /** The failed rule, comparable across engines; undefined when the words name none. */
      readonly rule: MdnName | undefined;
      /** The engine's own words, where it gives words rather than a code. */
      readonly said?: string;
      /** True when the rule was told by the lab's record of the request, not by the engine alone. */
      readonly fromRecord?: true;
    }
  | { readonly kind: "not-cors"; readonly said: string }
  | { readonly kind: "none" };

/** Words, and the rules they can mean: one, or several the words do not tell apart. */
interface Pattern {
  readonly words: RegExp;
  readonly rules: readonly MdnName[];
}

/**
 * Chromium's codes for a request stopped by Local Network Access (issue #23). It reports them as
 * CorsIssues too (DevTools protocol, Network.CorsError); they are not CORS decisions.
 */
export const LOCAL_NETWORK_CODES: ReadonlySet<string> = new Set([
  "InsecureLocalNetwork",
  "InvalidLocalNetworkAccess",
  "LocalNetworkAccessPermissionDenied",
]);

// Firefox quotes header names with typographic quotes; any quote is accepted.
const Q = "[‘’'\"]";

const FIREFOX: readonly Pattern[] = [
  { words: new RegExp(`Access-Control-Allow-Origin${Q} missing`), rules: ["CORSMissingAllowOrigin"] },
  {
    words: new RegExp(`Access-Control-Allow-Origin${Q} does not match`),
    rules: ["CORSAllowOriginNotMatchingOrigin"],
  },
  { words: /^Credential is not supported if/, rules: ["CORSNotSupportingCredentials"] },
  { words: /^Multiple CORS header/, rules: ["CORSMultipleAllowOriginNotAllowed"] },
  { words: /Access-Control-Allow-Credentials/, rules: ["CORSMissingAllowCredentials"] },
  { words: /^CORS preflight response did not succeed/, rules: ["CORSPreflightDidNotSucceed"] },
  { words: /^Did not find method in CORS header/, rules: ["CORSMethodNotFound"] },
  {
    words: new RegExp(`is not allowed according to header ${Q}Access-Control-Allow-Headers`),
    rules: ["CORSMissingAllowHeaderFromPreflight"],
  },
];
/** Firefox's CORSDidNotSucceed: the request got no answer (refused, not resolved), so no CORS check ran. */
const FIREFOX_NOT_CORS = /^CORS request did not succeed/;

const WEBKIT: readonly Pattern[] = [
  // WebCore says the same words whether the header is missing or names another origin.
  {
    words: /^Origin \S+ is not allowed by Access-Control-Allow-Origin/,
    rules: ["CORSMissingAllowOrigin", "CORSAllowOriginNotMatchingOrigin"],
  },
  { words: /^Cannot use wildcard in Access-Control-Allow-Origin/, rules: ["CORSNotSupportingCredentials"] },
  { words: /cannot contain more than one origin/, rules: ["CORSMultipleAllowOriginNotAllowed"] },
  { words: /Access-Control-Allow-Credentials is not/, rules: ["CORSMissingAllowCredentials"] },
  { words: /^Preflight response is not successful/, rules: ["CORSPreflightDidNotSucceed"] },
  { words: /is not allowed by Access-Control-Allow-Methods/, rules: ["CORSMethodNotFound"] },
  { words: /is not allowed by Access-Control-Allow-Headers/, rules: ["CORSMissingAllowHeaderFromPreflight"] },
];

/** The part of Firefox's sentence that is the reason: after "(Reason: ", as Firefox wrote it. */
export function firefoxReason(message: string): string | undefined {
  const at = message.indexOf("(Reason: ");
  return at < 0 ? undefined : message.slice(at + "(Reason: ".length);
}

/**
 * What `said` (an engine's code or words for a block, if it gave any) means. `recorded` is the rule
 * the lab's own record of the request fails (the console shows it): evidence that tells apart what
 * the engine's words do not, and the only evidence when the engine says nothing.
 */
export function readReason(
  engine: EngineName,
  said: string | undefined,
  recorded: string | undefined,
): Reading {
  const record: MdnName | undefined =
    recorded !== undefined && isCorsRule(recorded) ? MDN_NAMES[recorded as CorsRule] : undefined;
  if (said === undefined || said === "") {
    return record === undefined
      ? { kind: "none" }
      : { kind: "cors", code: record, rule: record, fromRecord: true };
  }
  if (engine === "chromium") {
    // A net:: error is what Chromium says of a request that failed with no CORS issue raised.
    if (LOCAL_NETWORK_CODES.has(said) || said.startsWith("net::")) return { kind: "not-cors", said };
    return { kind: "cors", code: said, rule: isCorsRule(said) ? MDN_NAMES[said] : undefined };
  }
  if (engine === "firefox" && FIREFOX_NOT_CORS.test(said)) return { kind: "not-cors", said };
  const patterns = engine === "firefox" ? FIREFOX : WEBKIT;
  const rules = patterns.find((pattern) => pattern.words.test(said))?.rules;
  if (rules === undefined) {
    // Words no pattern knows: a CORS block only if they speak of CORS's headers; never a guessed rule.
    const cors = engine === "firefox" || /Access-Control-|\bCORS\b|Origin \S+ is not allowed/.test(said);
    return cors ? { kind: "cors", code: said, rule: undefined, said } : { kind: "not-cors", said };
  }
  if (rules.length === 1) return { kind: "cors", code: rules[0] as MdnName, rule: rules[0], said };
  // Several rules fit the words: the lab's record picks one of them, or none is claimed.
  if (record !== undefined && rules.includes(record)) {
    return { kind: "cors", code: record, rule: record, said, fromRecord: true };
  }
  return { kind: "cors", code: said, rule: undefined, said };
}
