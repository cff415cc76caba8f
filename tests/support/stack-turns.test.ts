// The turns the stack test files take on their stack (stack-turns.ts), against a real turn server on
// loopback: one file at a time, first come first served, and a turn given up however it ends.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { serveTurns, type TurnServer, takeTurn } from "./stack-turns.ts";

let server: TurnServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Asks for a turn; resolves once the server has the request in line, with the turn to come. */
async function getInLine(port: number): Promise<{ turn: Promise<() => void> }> {
  let inLine: () => void = () => {};
  const queued = new Promise<void>((resolve) => {
    inLine = resolve;
  });
  const turn = takeTurn(port, inLine);
  await queued;
  return { turn };
}

describe("a stack's turns", () => {
  it("go one at a time, in the order they were asked for", async () => {
    server = await serveTurns();
    const endFirst = await takeTurn(server.port);
    const second = await getInLine(server.port);
    const third = await getInLine(server.port);
    const settled: string[] = [];
    void second.turn.then(() => settled.push("second"));
    void third.turn.then(() => settled.push("third"));
    // Both are in line while the first holds its turn: neither has one until the first ends.
    await Promise.resolve();
    expect(settled).toEqual([]);
    endFirst();
    const endSecond = await second.turn;
    expect(settled).toEqual(["second"]);
    endSecond();
    (await third.turn)();
    expect(settled).toEqual(["second", "third"]);
  });

  it("passes on when the holder's connection ends without a word, as when its worker dies", async () => {
    server = await serveTurns();
    const port = server.port;
    // A holder that is not takeTurn's: its socket is simply destroyed.
    const holder = request({ host: "127.0.0.1", port, path: "/turn", agent: false });
    const held = new Promise<void>((resolve) =>
      holder.once("response", (res) =>
        res.on("data", (chunk) => String(chunk).includes("your turn") && resolve()),
      ),
    );
    holder.on("error", () => {});
    holder.end();
    await held;
    const next = await getInLine(port);
    holder.destroy();
    (await next.turn)();
  });

  it("says which server it could not reach", async () => {
    server = await serveTurns();
    const port = server.port;
    await server.close();
    server = undefined;
    await expect(takeTurn(port)).rejects.toThrow(
      `cannot take a turn on the stack (turn server at port ${port})`,
    );
  });
});
