// Each stack test file waits for its turn on its stack before its own hooks and tests run, and ends
// it after them (stack-turns.ts).
import { afterAll, beforeAll, inject } from "vitest";
import { takeTurn } from "./stack-turns.ts";

let endTurn: (() => void) | undefined;

// As long as the longest file of the same stack may take, which may be ahead in line.
beforeAll(async () => {
  endTurn = await takeTurn(inject("stackTurns"));
}, 900_000);

afterAll(() => {
  endTurn?.();
});
