// One way to wait for something that becomes true by itself (a saved policy picked up, a service back
// up, sockets closed), for the tests and the host-side tools alike: ask again until the answer is
// right or the time is up (model: testcontainers-node's common/retry.ts). The clock is injectable,
// so the helper's own test runs without waiting.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions {
  /** Give up after this long; the last value is returned (or the last error thrown). */
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

/**
 * Calls `attempt` until `done` holds for its value, or until `timeoutMs` has passed; returns the last
 * value either way, so the caller's assertion shows what was seen. An attempt that throws counts as
 * not done; if the last one threw, that error is thrown.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs, intervalMs = 100, clock = realClock }: RetryOptions,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    let value: T;
    try {
      value = await attempt();
    } catch (error) {
      if (clock.now() >= deadline) throw error;
      await clock.sleep(intervalMs);
      continue;
    }
    if (done(value) || clock.now() >= deadline) return value;
    await clock.sleep(intervalMs);
  }
}

/** True as soon as `check` is, false when `timeoutMs` passes first. */
export function eventually(check: () => Promise<boolean>, options: RetryOptions): Promise<boolean> {
  return retryUntil(check, (ok) => ok, options);
}

/** A call that did not settle within its limit (withinLimit): the one that made it may be stuck. */
export class LimitPassedError extends Error {
  constructor(what: string, limitMs: number) {
    super(`${what} did not finish within ${limitMs} ms`);
    this.name = "LimitPassedError";
  }
}

/**
 * `promise`, or a rejection naming `what` once `limitMs` pass first: for a call into a browser that
 * has no time limit of its own, so that a browser's hang ends one attempt, never the whole run.
 */
export function withinLimit<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LimitPassedError(what, limitMs)), limitMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
