// What the app received and what it answered, newest first, in a fixed-size ring: enough for a
// student to see that a blocked request still arrived, and that a preflight came before it. Each
// header line is kept as it came and as it went (issue #22): a name as written, a repeated line as
// a line of its own, since that is what the browser judged.
import type { ServerResponse } from "node:http";
import type { RequestHandler } from "express";

/** A header line: its name as written, and its value. */
export type HeaderLine = readonly [name: string, value: string];

export interface LoggedRequest {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly accessControlRequestMethod: string | undefined;
  readonly accessControlRequestHeaders: string | undefined;
  /** An OPTIONS request with Origin and Access-Control-Request-Method: a CORS preflight. */
  readonly preflight: boolean;
  readonly status: number;
  /**
   * The Access-Control-* and Vary headers the app answered with, by lower-case name, a repeated
   * line's values combined with ", " as the browser's check combines them (Fetch: "get" a header).
   */
  readonly corsHeaders: Readonly<Record<string, string>>;
  /** Every header line of the request, as received. */
  readonly received: readonly HeaderLine[];
  /** Every header line of the answer, as sent (Node's own Date, Connection and Keep-Alive included). */
  readonly answered: readonly HeaderLine[];
  /** When the student's policy failed on this request: what went wrong, in plain words. */
  readonly policyFailure?: string;
}

export class RequestLog {
  readonly capacity: number;
  readonly #ring: LoggedRequest[] = [];
  #next = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(entry: LoggedRequest): void {
    if (this.capacity === 0) return;
    if (this.#ring.length < this.capacity) this.#ring.push(entry);
    else this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** Newest first. */
  entries(): LoggedRequest[] {
    const oldestFirst = [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    return oldestFirst.reverse();
  }

  clear(): void {
    this.#ring.length = 0;
    this.#next = 0;
  }
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(", ") : value);

function linesOf(raw: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i] as string, raw[i + 1] as string]);
  return lines;
}

/**
 * The answer's header lines as they went out: the head Node wrote (its `_header`, the one place that
 * holds the lines as sent, Node's own included), or when it is not there, the headers as set (names
 * lower-cased).
 */
export function answeredLines(res: ServerResponse): HeaderLine[] {
  const head = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof head === "string") {
    return head
      .split("\r\n")
      .slice(1)
      .filter((line) => line.includes(":"))
      .map((line): HeaderLine => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
  }
  return Object.entries(res.getHeaders()).flatMap(([name, value]) =>
    [value ?? []].flat().map((each): HeaderLine => [name, String(each)]),
  );
}

/** The CORS headers of an answer's lines, by lower-case name, repeated lines combined as the browser does. */
function corsHeadersOf(lines: readonly HeaderLine[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("access-control-") && lower !== "vary") continue;
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
  }
  return headers;
}

/** Records every request that finishes, except those to `skip` (the log's own pages, health checks). */
export function recordRequests(log: RequestLog, skip: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (skip.has(req.path)) return next();
    res.on("finish", () => {
      const answered = answeredLines(res);
      const requestMethod = single(req.headers["access-control-request-method"]);
      log.add({
        at: new Date().toISOString(),
        method: req.method,
        path: req.originalUrl,
        host: req.headers.host,
        origin: req.headers.origin,
        accessControlRequestMethod: requestMethod,
        accessControlRequestHeaders: single(req.headers["access-control-request-headers"]),
        preflight:
          req.method === "OPTIONS" && req.headers.origin !== undefined && requestMethod !== undefined,
        status: res.statusCode,
        corsHeaders: corsHeadersOf(answered),
        received: linesOf(req.rawHeaders),
        answered,
        ...(typeof res.locals.policyFailure === "string" ? { policyFailure: res.locals.policyFailure } : {}),
      });
    });
    next();
  };
}
