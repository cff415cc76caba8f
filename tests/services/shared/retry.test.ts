// The retry helper against a clock the test moves by hand: no real waiting, and every outcome seen.
import { describe, expect, it } from "vitest";
import {
  type Clock,
  eventually,
  LimitPassedError,
  retryUntil,
  withinLimit,
} from "../../../services/shared/src/retry.ts";

function manualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe("retryUntil", () => {
  it("returns the first value that is done, asking once per interval", async () => {
    const clock = manualClock();
    let calls = 0;
    const value = await retryUntil(
      async () => ++calls,
      (n) => n === 3,
      { timeoutMs: 1000, intervalMs: 50, clock },
    );
    expect(value).toBe(3);
    expect(clock.slept).toEqual([50, 50]);
  });

  it("gives up at the deadline and returns the last value seen", async () => {
    const clock = manualClock();
    const value = await retryUntil(
      async () => "still starting",
      () => false,
      {
        timeoutMs: 300,
        intervalMs: 100,
        clock,
      },
    );
    expect(value).toBe("still starting");
    expect(clock.now()).toBe(300);
  });

  it("tries again after an attempt throws, and throws the last error at the deadline", async () => {
    const clock = manualClock();
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls < 3) throw new Error(`refused ${calls}`);
      return "up";
    };
    expect(await retryUntil(flaky, (v) => v === "up", { timeoutMs: 1000, clock })).toBe("up");
    await expect(
      retryUntil(
        async () => {
          throw new Error("never up");
        },
        () => true,
        { timeoutMs: 200, clock: manualClock() },
      ),
    ).rejects.toThrow("never up");
  });
});

describe("eventually", () => {
  it("is true as soon as the check is, and false when time runs out first", async () => {
    let ready = false;
    const clock = manualClock();
    const check = async () => {
      if (clock.now() >= 250) ready = true;
      return ready;
    };
    expect(await eventually(check, { timeoutMs: 1000, intervalMs: 100, clock })).toBe(true);
    expect(await eventually(async () => false, { timeoutMs: 100, clock: manualClock() })).toBe(false);
  });
});

describe("withinLimit", () => {
  it("gives what the call gives when it settles in time", async () => {
    await expect(withinLimit(Promise.resolve("done"), 1000, "the call")).resolves.toBe("done");
    await expect(withinLimit(Promise.reject(new Error("its own")), 1000, "the call")).rejects.toThrow(
      "its own",
    );
  });

  it("ends a call that never settles, naming it and the limit, as a LimitPassedError", async () => {
    const late = withinLimit(new Promise(() => {}), 20, "opening a page");
    await expect(late).rejects.toThrow("opening a page did not finish within 20 ms");
    await expect(late).rejects.toBeInstanceOf(LimitPassedError);
    await expect(
      withinLimit(Promise.reject(new Error("its own")), 1000, "the call"),
    ).rejects.not.toBeInstanceOf(LimitPassedError);
  });
});
