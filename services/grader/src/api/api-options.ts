// `grader --api URL` (issue #25): the student's own API, asked from pages of the origins they name.
// What the options mean, read once and checked: every mistake names its flag and its value.
import { CONSOLE, type RequestKind } from "../../../shared/src/console-contract.ts";
import { DEFAULTS } from "../../../shared/src/defaults.ts";
import { type Env, parseOrigin, readString } from "../../../shared/src/env.ts";
import type { LabOrigins } from "../../../shared/src/lab-origins.ts";

export interface ApiCheck {
  /** The endpoint, as the student's browser would call it. */
  readonly url: string;
  /** Page origins whose requests the API should allow (`--from`); none given: the lab's four, either way. */
  readonly from: readonly string[];
  /** Whether `from` was given: its pages are then expected allowed, else only reported. */
  readonly fromGiven: boolean;
  /** Page origins whose requests the API should refuse (`--not-from`; default: the lab's attacker page). */
  readonly notFrom: readonly string[];
  readonly kinds: readonly RequestKind[];
  /** The preflighted request's method and its headers (`--method`, `--header`). */
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Where the student's machine is, seen from the grader (a relay takes its localhost ports there). */
  readonly hostMachine: string;
}

export class ApiOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiOptionError";
  }
}

/** The names a loopback origin may have: the grader serves such a page itself. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);
/** Methods fetch() refuses to send (Fetch standard, forbidden methods). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Headers a page may not set, which the browser would drop in silence (Fetch, forbidden request-headers). */
const FORBIDDEN_HEADERS = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface ApiFlags {
  readonly api: string;
  readonly from?: string;
  readonly "not-from"?: string;
  readonly kinds?: string;
  readonly method?: string;
  readonly header?: readonly string[];
}

export function readApiCheck(flags: ApiFlags, env: Env, origins: LabOrigins): ApiCheck {
  const url = readApiUrl(flags.api);
  const apiOrigin = new URL(url).origin;
  const pages = (flag: "--from" | "--not-from", value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((each) => each.trim())
      .filter((each) => each !== "")
      .map((each) => readPageOrigin(flag, each, origins, apiOrigin));
  const from = pages("--from", flags.from);
  const notFrom =
    flags["not-from"] === undefined ? [origins.byRole.attacker] : pages("--not-from", flags["not-from"]);
  const both = from.find((origin) => notFrom.includes(origin));
  if (both !== undefined) throw new ApiOptionError(`${both} is in both --from and --not-from: which is it?`);
  return {
    url,
    from: from.length > 0 ? from : [...origins.lab],
    fromGiven: from.length > 0,
    notFrom,
    kinds: readKinds(flags.kinds),
    method: readMethod(flags.method),
    headers: readHeaders(flags.header ?? []),
    hostMachine: readString(env, "GRADER_HOST_MACHINE", DEFAULTS.GRADER_HOST_MACHINE),
  };
}

function readApiUrl(value: string): string {
  const example = "an http or https URL such as http://localhost:5000/api/items";
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new ApiOptionError(`--api takes ${example}, not ${JSON.stringify(value)}`);
  if (url.username !== "" || url.password !== "")
    throw new ApiOptionError(`--api takes ${example} with no user name or password in it`);
  url.hash = "";
  return url.href;
}

/** A page origin the grader can give a page: one of the lab's, or an http origin of this machine. */
function readPageOrigin(flag: string, value: string, origins: LabOrigins, apiOrigin: string): string {
  const origin = parseOrigin(value);
  if (origin === undefined)
    throw new ApiOptionError(
      `${flag} takes origins such as http://localhost:5173 (no path), not ${JSON.stringify(value)}`,
    );
  if (origin === apiOrigin)
    throw new ApiOptionError(
      `${flag}: ${origin} is the API's own origin, and a page's requests to its own origin need no CORS`,
    );
  const lab = Object.values(origins.byRole).includes(origin);
  const url = new URL(origin);
  const served = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && Number(url.port) >= 1024;
  if (!lab && !served) {
    throw new ApiOptionError(
      `${flag}: the grader gives a page to one of the lab's origins, or to http://localhost:PORT or http://127.0.0.1:PORT with a PORT of 1024 or more; not to ${origin}`,
    );
  }
  return origin;
}

function readKinds(value: string | undefined): RequestKind[] {
  if (value === undefined) return ["simple"];
  const kinds = value.split(",").map((each) => each.trim());
  const wrong = kinds.find((kind) => !(CONSOLE.kinds as readonly string[]).includes(kind));
  if (wrong !== undefined || kinds.length === 0)
    throw new ApiOptionError(
      `--kinds takes ${CONSOLE.kinds.join(", ")} (one or more, with commas), not ${JSON.stringify(value)}`,
    );
  return [...new Set(kinds)] as RequestKind[];
}

function readMethod(value: string | undefined): string {
  if (value === undefined) return "PUT";
  const method = value.trim().toUpperCase();
  if (!TOKEN.test(method) || FORBIDDEN_METHODS.has(method))
    throw new ApiOptionError(
      `--method takes a method a page may send, such as PUT, PATCH or DELETE, not ${JSON.stringify(value)}`,
    );
  return method;
}

function readHeaders(values: readonly string[]): Record<string, string> {
  if (values.length === 0) return { "Content-Type": "application/json" };
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(":");
    const name = colon < 0 ? "" : value.slice(0, colon).trim();
    const content = colon < 0 ? "" : value.slice(colon + 1).trim();
    if (!TOKEN.test(name) || /[\r\n\0]/.test(content))
      throw new ApiOptionError(
        `--header takes "Name: value", such as "Authorization: Bearer test", not ${JSON.stringify(value)}`,
      );
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-"))
      throw new ApiOptionError(`--header: a page may not set ${name}; the browser sets it itself`);
    headers[name] = content;
  }
  return headers;
}
