// A body's size, counted as the proxy passes it on (issue #19): a chunked body declares no length, so
// the bodyLimit pass cannot refuse it up front. Past the limit, what was sent to the app is cut off
// and the client gets the same 413 as for a declared body too large, when no answer has begun.
import type { IncomingMessage } from "node:http";

/** Calls `overLimit` once, as soon as more than `maxBytes` of `req`'s body have arrived. */
export function countBody(req: IncomingMessage, maxBytes: number, overLimit: () => void): void {
  let received = 0;
  let over = false;
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (over || received <= maxBytes) return;
    over = true;
    overLimit();
  });
}
