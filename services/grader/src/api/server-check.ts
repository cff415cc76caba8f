// The student's API asked by the grader itself (issue #25), with the request the browser made: the
// same Origin, and for a preflighted request the same OPTIONS first. Its answer, run through the
// lab's table of the CORS check's rules, says which rule a blocked request failed and what the
// server sent. Only headers are read (an endless body is never waited for), within a time limit,
// and no redirect is followed: a preflight may not be redirected, and a redirect is worth naming.
import http from "node:http";
import https from "node:https";
import {
  type CheckedAnswer,
  type CheckedRequest,
  type CorsRule,
  failedRule,
} from "../../../shared/src/cors-rules.ts";

export type Asked =
  | { readonly kind: "answer"; readonly answer: CheckedAnswer; readonly location: string | undefined }
  | {
      readonly kind: "failed";
      readonly error: string;
      /** Set when the server kept the connection but sent nothing within the limit. */
      readonly timedOutMs?: number;
    };

/** What the server did with the browser's request: the preflight's answer and the actual one's. */
export interface ServerView {
  readonly preflight?: Asked;
  readonly actual?: Asked;
  /** The rule the answers fail, or undefined when they pass (or never came). */
  readonly rule: CorsRule | undefined;
}

const SAFELISTED_CONTENT_TYPES = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);
const SAFELISTED = new Set(["accept", "accept-language", "content-language"]);

/** The headers of a request that a preflight asks about (Fetch: CORS-unsafe request-header names). */
export function unsafeHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([name, value]) => {
      const lower = name.toLowerCase();
      if (SAFELISTED.has(lower)) return false;
      if (lower === "content-type")
        return !SAFELISTED_CONTENT_TYPES.has(value.split(";")[0]?.trim().toLowerCase() ?? "");
      return true;
    })
    .map(([name]) => name.toLowerCase())
    .sort();
}

/** Whether the browser sends a preflight first (Fetch: a method or a header a form could not send). */
export function needsPreflight(request: CheckedRequest): boolean {
  return !["GET", "HEAD", "POST"].includes(request.method) || request.unsafeHeaders.length > 0;
}

function ask(
  url: string,
  method: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<Asked> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = client.request(target, { method, headers, timeout: timeoutMs }, (response) => {
      const answer: CheckedAnswer = {
        status: response.statusCode ?? 0,
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(", ") : value,
          ]),
        ),
      };
      resolve({ kind: "answer", answer, location: response.headers.location });
      response.destroy();
    });
    request.on("timeout", () => {
      resolve({ kind: "failed", error: "ETIMEDOUT", timedOutMs: timeoutMs });
      request.destroy();
    });
    request.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "failed", error: error.code ?? error.message }),
    );
    request.end(method === "GET" || method === "HEAD" ? undefined : "{}");
  });
}

/**
 * The browser's request asked again by the grader: the preflight (when the browser sends one), then,
 * only when that passes, the actual request, as the browser would.
 */
export async function askServer(
  url: string,
  request: CheckedRequest,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<ServerView> {
  let preflight: Asked | undefined;
  if (needsPreflight(request)) {
    preflight = await ask(
      url,
      "OPTIONS",
      {
        Origin: request.origin,
        "Access-Control-Request-Method": request.method,
        ...(request.unsafeHeaders.length > 0
          ? { "Access-Control-Request-Headers": request.unsafeHeaders.join(",") }
          : {}),
      },
      timeoutMs,
    );
    const rule = preflight.kind === "answer" ? failedRule(request, preflight.answer, undefined) : undefined;
    if (preflight.kind === "failed" || rule !== undefined) return { preflight, rule };
  }
  const actual = await ask(url, request.method, { ...headers, Origin: request.origin }, timeoutMs);
  const rule =
    actual.kind === "answer"
      ? failedRule(request, preflight?.kind === "answer" ? preflight.answer : undefined, actual.answer)
      : undefined;
  return { ...(preflight ? { preflight } : {}), actual, rule };
}
