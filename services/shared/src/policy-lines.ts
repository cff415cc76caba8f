// The link's lines (issue #19): one JSON message per line on the Unix socket between the app and
// the policy sandbox, written in batches and read with a limit. Apart from the messages' checks
// (policy-protocol.ts), since every version's thread loads this module, and every module a thread
// loads costs memory in every thread.

/** A message longer than this is not one the sandbox has any reason to send: the link is cut. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Splits a byte stream into lines (one JSON message each). Calls `onLine` with each line's text;
 * calls `onOverflow` (and stops reading) when a line grows past MAX_MESSAGE_BYTES.
 */
export function lineReader(onLine: (line: string) => void, onOverflow: () => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let stopped = false;
  return (chunk) => {
    if (stopped) return;
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      const line =
        pending.length === 0
          ? chunk.toString("utf8", start, newline)
          : Buffer.concat([...pending, chunk.subarray(start, newline)]).toString("utf8");
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
      onLine(line);
    }
    const rest = chunk.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > MAX_MESSAGE_BYTES) {
      stopped = true;
      onOverflow();
      return;
    }
    if (rest.length > 0) pending.push(rest);
  };
}

export function encodeMessage(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Writes lines to a socket a batch at a time: every line written in one turn of the event loop goes
 * out in one write, after the turn (under load, dozens of requests cross the link per turn, and a
 * write each was the boundary's largest cost).
 */
export function batchedWriter(socket: { write(text: string): unknown; readonly writable: boolean }) {
  let batch: string[] = [];
  const flush = () => {
    const lines = batch.join("");
    batch = [];
    if (socket.writable) socket.write(lines);
  };
  return (line: string) => {
    if (batch.length === 0) setImmediate(flush);
    batch.push(line);
  };
}

/** A line's JSON, or undefined when it is not JSON. */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * The id of a run message as the app writes it (`{"type":"run","id":N,…`, keys in that order), read
 * without parsing the rest: the sandbox hands the whole line to the policy's thread, which parses it
 * once (issue #19: the boundary costs a request as little as it can).
 */
export function runIdOf(line: string): number | undefined {
  const match = /^\{"type":"run","id":(\d{1,15}),/.exec(line);
  return match ? Number(match[1]) : undefined;
}

/** An outcome message, from the outcome's JSON text as the policy's thread wrote it. */
export function encodeOutcome(id: number, outcomeJson: string): string {
  return `{"type":"outcome","id":${id},"outcome":${outcomeJson}}\n`;
}
