// Inside the sandbox the policy gets stand-ins for Express's request and response: enough of their
// API for the `cors` package and for a policy written by hand (req.method, req.headers, req.get;
// res.setHeader, res.set, res.status, res.end, res.send, ...). What it sets is recorded, checked as
// Node checks headers (its rules, written here: node:http alone would add 9 MB to every version's
// thread, issue #19), and sent back to the app, which answers the real request.
import type { HeaderValue, PolicyOutcome, PolicyRequest } from "../../shared/src/policy-protocol.ts";

/** RFC 9110 §5.6.2's token, as Node's checkIsHttpToken has it. */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
/** What Node's checkInvalidHeaderChar refuses in a value: controls other than tab, and DEL. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** An error with Node's code, so that problems.ts words it as it words Node's own. */
function nodeError(code: string, message: string): Error {
  return Object.assign(new TypeError(message), { code });
}

function validateHeaderName(name: string): void {
  if (typeof name !== "string" || !TOKEN.test(name))
    throw nodeError("ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${String(name)}"]`);
}

function validateHeaderValue(name: string, value: string): void {
  if (INVALID_VALUE.test(value))
    throw nodeError("ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
}

export class ShimRequest {
  readonly method: string;
  readonly url: string;
  readonly originalUrl: string;
  readonly path: string;
  readonly headers: PolicyRequest["headers"];

  constructor(request: PolicyRequest) {
    this.method = request.method;
    this.url = request.url;
    this.originalUrl = request.url;
    this.path = request.url.split("?")[0] ?? "/";
    this.headers = request.headers;
  }

  get(name: string): string | readonly string[] | undefined {
    return this.headers[name.toLowerCase()];
  }

  header(name: string): string | readonly string[] | undefined {
    return this.get(name);
  }
}

type Value = string | number | readonly string[];

export class ShimResponse {
  statusCode = 200;
  headersSent = false;
  readonly #headers = new Map<string, { name: string; value: HeaderValue }>();
  readonly #answered: (outcome: PolicyOutcome) => void;

  /** `answered` is called once, when the policy ends the response itself. */
  constructor(answered: (outcome: PolicyOutcome) => void) {
    this.#answered = answered;
  }

  setHeader(name: string, value: Value): this {
    validateHeaderName(name);
    const text = Array.isArray(value) ? value.map(String) : String(value);
    for (const part of [text].flat()) validateHeaderValue(name, part);
    this.#headers.set(name.toLowerCase(), { name, value: text });
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(name.toLowerCase())?.value;
  }

  getHeaders(): Record<string, HeaderValue> {
    return Object.fromEntries([...this.#headers].map(([key, { value }]) => [key, value]));
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  /** Express's res.set and res.header: one header, or an object of them. */
  set(field: string | Record<string, Value>, value?: Value): this {
    if (typeof field === "string") return this.setHeader(field, value ?? "");
    for (const [name, each] of Object.entries(field)) this.setHeader(name, each);
    return this;
  }

  header(field: string | Record<string, Value>, value?: Value): this {
    return this.set(field, value);
  }

  get(name: string): HeaderValue | undefined {
    return this.getHeader(name);
  }

  append(name: string, value: Value): this {
    const previous = this.getHeader(name);
    const added = [value].flat().map(String);
    return this.setHeader(name, previous === undefined ? added : [...[previous].flat(), ...added]);
  }

  vary(field: string): this {
    const present = String(this.getHeader("Vary") ?? "");
    const names = present.split(",").map((name) => name.trim().toLowerCase());
    if (!names.includes(field.toLowerCase()))
      this.setHeader("Vary", present ? `${present}, ${field}` : field);
    return this;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  sendStatus(code: number): this {
    return this.status(code).end();
  }

  send(body?: unknown): this {
    return this.end(typeof body === "string" || body === undefined ? body : JSON.stringify(body));
  }

  json(body: unknown): this {
    if (!this.hasHeader("Content-Type")) this.setHeader("Content-Type", "application/json");
    return this.end(JSON.stringify(body));
  }

  writeHead(status: number, headers?: Record<string, Value>): this {
    this.statusCode = status;
    if (headers) this.set(headers);
    return this;
  }

  end(body?: string | Uint8Array): this {
    if (this.headersSent) return this;
    this.headersSent = true;
    const text =
      body === undefined ? "" : typeof body === "string" ? body : Buffer.from(body).toString("utf8");
    this.#answered({ kind: "answered", status: this.statusCode, headers: this.headerList(), body: text });
    return this;
  }

  /** The headers set so far, with the names as the policy wrote them. */
  headerList(): [string, HeaderValue][] {
    return [...this.#headers.values()].map(({ name, value }) => [name, value]);
  }
}
