// What the app received and what it answered, newest first, in a fixed-size ring: enough for a
// student to see that a blocked request still arrived, and that a preflight came before it.
import type { RequestHandler } from "express";

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
  /** The Access-Control-* and Vary headers the app answered with. */
  readonly corsHeaders: Readonly<Record<string, string>>;
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

/** Records every request that finishes, except those to `skip` (the log's own pages, health checks). */
export function recordRequests(log: RequestLog, skip: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (skip.has(req.path)) return next();
    res.on("finish", () => {
      const corsHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (name.startsWith("access-control-") || name === "vary") corsHeaders[name] = String(value);
      }
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
        corsHeaders,
        ...(typeof res.locals.policyFailure === "string" ? { policyFailure: res.locals.policyFailure } : {}),
      });
    });
    next();
  };
}
