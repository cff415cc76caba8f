// What every server of the lab refuses or answers itself, before the app's or the proxy's own
// handler sees a request. The shape is http-proxy-3's web-incoming passes: a list of small named
// checks, run in order; the first that answers ends the request.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";

/** What the lab's servers answer to as a whole: the methods of `OPTIONS *` and of a refused CONNECT. */
export const SERVER_METHODS = "GET, HEAD, OPTIONS";

export interface Answer {
  readonly status: number;
  /** Plain text for the client; none for a 204. */
  readonly message?: string;
  readonly headers?: OutgoingHttpHeaders;
}

export type AdmissionPass = (req: IncomingMessage) => Answer | undefined;

/** Node parses HTTP/2.0 written as HTTP/1 text; it is not a version we speak. */
function httpVersion(req: IncomingMessage): Answer | undefined {
  if (req.httpVersionMajor === 1) return undefined;
  return {
    status: 505,
    message: `HTTP/${req.httpVersion} is not supported; speak HTTP/1.1.`,
    headers: { connection: "close" },
  };
}

/** RFC 9112 §3.2: more than one Host field line gets a 400; Node would silently keep the first. */
function singleHost(req: IncomingMessage): Answer | undefined {
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "host") hosts++;
  }
  if (hosts <= 1) return undefined;
  return {
    status: 400,
    message: "Bad request: more than one Host header.",
    headers: { connection: "close" },
  };
}

/** RFC 9110 §9.3.7: `OPTIONS *` asks about the server as a whole, never about a resource. */
function serverWideOptions(req: IncomingMessage): Answer | undefined {
  if (req.method !== "OPTIONS" || req.url !== "*") return undefined;
  return { status: 204, headers: { allow: SERVER_METHODS } };
}

export const ADMISSION_PASSES: readonly AdmissionPass[] = [httpVersion, singleHost, serverWideOptions];

/** Runs `passes` in order on the same arguments: the first answer, or undefined when none answers. */
export function firstAnswer<A extends unknown[]>(
  passes: readonly ((...args: A) => Answer | undefined)[],
  ...args: A
): Answer | undefined {
  for (const pass of passes) {
    const answer = pass(...args);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

/** The answer of the first pass that has one; undefined when the request is the service's to handle. */
export function admit(req: IncomingMessage): Answer | undefined {
  return firstAnswer(ADMISSION_PASSES, req);
}

/** CONNECT (RFC 9110 §9.3.6) as raw bytes: Node hands it over as a socket, not as a request. */
export const CONNECT_REFUSAL = (() => {
  const text = "CONNECT is not supported: this is not a forward proxy.\n";
  return (
    `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${SERVER_METHODS}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  );
})();
