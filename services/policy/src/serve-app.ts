// A version's thread serving the app (issue #19): on a connection of its own to the app's socket it
// says which thread it is, then takes each request as it comes, runs the policy on it, and writes the
// outcome back, with a time limit per request. It keeps its vitals up to date for the sandbox's main
// thread, which ends it if it stops beating while a request is over its time (an endless loop).
import { connect, type Socket } from "node:net";
import {
  batchedWriter,
  encodeMessage,
  encodeOutcome,
  lineReader,
  runIdOf,
} from "../../shared/src/policy-lines.ts";
import type { PolicyOutcome } from "../../shared/src/policy-protocol.ts";
import { BEAT_MS, sinceBase, VITALS } from "./worker-protocol.ts";

/** How long to wait before connecting again to an app that is not there (it restarted, say). */
const RETRY_MS = 250;

export interface Serving {
  readonly socket: string;
  readonly sandbox: string;
  readonly thread: number;
}

export interface ServeOptions {
  readonly timeoutMs: number;
  readonly vitals: Int32Array;
  readonly clockBase: number;
  /** Runs the policy on the app's run message (JSON text); calls `settle` once, with the outcome. */
  readonly run: (message: string, settle: (outcome: PolicyOutcome) => void) => void;
  /** Hears of each request the policy failed (the app is told too), for the sandbox's log. */
  readonly failed: (outcome: Extract<PolicyOutcome, { kind: "failed" }>, message: string) => void;
}

export function serveApp(target: Serving, options: ServeOptions): void {
  const { vitals, clockBase, timeoutMs } = options;
  /** When each request the thread holds arrived, by id (of its connection). */
  const pending = new Map<number, number>();
  const updateVitals = () => {
    let oldest = 0;
    for (const at of pending.values()) if (oldest === 0 || at < oldest) oldest = at;
    Atomics.store(vitals, VITALS.oldestAt, oldest);
    Atomics.store(vitals, VITALS.pending, pending.size);
  };
  setInterval(() => Atomics.add(vitals, VITALS.beat, 1), BEAT_MS);

  const serveOn = (socket: Socket) => {
    const write = batchedWriter(socket);
    const timers = new Map<number, NodeJS.Timeout>();
    const settleFor = (id: number, message: string) => {
      let settled = false;
      return (outcome: PolicyOutcome) => {
        if (settled) return;
        settled = true;
        if (outcome.kind === "failed") options.failed(outcome, message);
        clearTimeout(timers.get(id));
        timers.delete(id);
        pending.delete(id);
        updateVitals();
        write(encodeOutcome(id, JSON.stringify(outcome)));
      };
    };
    socket.on(
      "data",
      lineReader(
        (line) => {
          const id = runIdOf(line);
          if (id === undefined) return;
          pending.set(id, sinceBase(clockBase));
          updateVitals();
          const settle = settleFor(id, line);
          // A policy that merely forgot next() leaves the thread free: its own timer says so.
          timers.set(
            id,
            setTimeout(
              () =>
                settle({
                  kind: "failed",
                  problem: `it neither called next() nor answered within ${timeoutMs} ms: does every path through it end in next() or an answer?`,
                }),
              timeoutMs,
            ),
          );
          options.run(line, settle);
        },
        () => socket.destroy(),
      ),
    );
    socket.on("close", () => {
      for (const timer of timers.values()) clearTimeout(timer);
      pending.clear();
      updateVitals();
    });
  };

  const attempt = () => {
    const socket = connect(target.socket);
    socket.on("connect", () => {
      socket.write(encodeMessage({ type: "serve", sandbox: target.sandbox, thread: target.thread }));
      serveOn(socket);
    });
    socket.on("error", () => undefined);
    // The app restarted, or cut the link: the thread offers itself again; the app takes it if the
    // sandbox still says this thread serves.
    socket.on("close", () => setTimeout(attempt, RETRY_MS));
  };
  attempt();
}
