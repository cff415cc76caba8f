// One test file at a time on a stack (issue #21): the files of one stack take turns, while those of
// another stack run beside them. A turn is held for as long as its request to the stack's turn
// server stays open, and passes to the next file in line when it closes, so a test worker that
// ends without a word gives its turn up too. The answer says "in line" at once, and "your turn"
// when it is.
import { once } from "node:events";
import { createServer, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const IN_LINE = "in line\n";
const YOUR_TURN = "your turn\n";

export interface TurnServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the turns of one stack on loopback, first come, first served. */
export async function serveTurns(): Promise<TurnServer> {
  const waiting: ServerResponse[] = [];
  let holder: ServerResponse | undefined;
  const grant = () => {
    while (holder === undefined && waiting.length > 0) {
      const next = waiting.shift() as ServerResponse;
      if (next.destroyed) continue;
      holder = next;
      next.write(YOUR_TURN);
    }
  };
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write(IN_LINE);
    res.once("close", () => {
      const index = waiting.indexOf(res);
      if (index >= 0) waiting.splice(index, 1);
      if (holder === res) {
        holder = undefined;
        grant();
      }
    });
    waiting.push(res);
    grant();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/**
 * Waits for this file's turn on the stack; the function it gives ends the turn. `inLine` is called
 * once the server has the request in line.
 */
export function takeTurn(port: number, inLine?: () => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const asked = request({ host: "127.0.0.1", port, path: "/turn", agent: false }, (res) => {
      if (res.statusCode !== 200) {
        asked.destroy();
        reject(new Error(`the stack's turn server at port ${port} answered ${res.statusCode}`));
        return;
      }
      let said = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const before = said;
        said += chunk;
        if (!before.includes(IN_LINE) && said.includes(IN_LINE)) inLine?.();
        if (said.includes(YOUR_TURN)) resolve(() => asked.destroy());
      });
      res.once("end", () => reject(new Error(`the stack's turn server at port ${port} ended the line`)));
      // Ending the turn destroys the request, and with it this answer: nothing to report then.
      res.on("error", (error) => reject(error));
    });
    asked.on("error", (error) =>
      reject(new Error(`cannot take a turn on the stack (turn server at port ${port}): ${error.message}`)),
    );
    asked.end();
  });
}
