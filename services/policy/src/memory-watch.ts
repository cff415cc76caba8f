// A policy's thread has a heap limit, but memory outside V8's heap (an ArrayBuffer, a Buffer) counts
// against no thread: only against the container's limit, where the kernel's answer is to kill the
// whole sandbox. The process's resident size is watched instead, and the policy's threads are ended,
// named, well before that limit (issue #19).
import { memoryUsage } from "node:process";

/** How often the resident size is read: a policy writing memory as fast as it can gains ~100 MB in that time. */
const EVERY_MS = 20;

/**
 * The resident size past which the policy's threads are ended: what the process holds now, plus room
 * for two versions' threads with their heaps; never more than three quarters of the container's
 * memory limit, when there is one.
 */
export function memoryLimitBytes(memoryMb: number): number {
  const ownLimit = memoryUsage.rss() + (128 + 2 * memoryMb) * 2 ** 20;
  const constrained = process.constrainedMemory();
  return constrained > 0 && constrained < 2 ** 50 ? Math.min(ownLimit, constrained * 0.75) : ownLimit;
}

/**
 * Calls `overLimit` when the resident size goes past `limitBytes`, once until it is back under;
 * returns how to stop watching.
 */
export function watchMemory(limitBytes: number, overLimit: (rssBytes: number) => void): () => void {
  let over = false;
  const timer = setInterval(() => {
    const rss = memoryUsage.rss();
    if (rss > limitBytes && !over) overLimit(rss);
    over = rss > limitBytes;
  }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
