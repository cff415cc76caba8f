// A bounded load through the proxy (loopback only): no errors, and no memory that stays behind.
import autocannon from "autocannon";
import { describe, expect, it } from "vitest";
import { memoryKb } from "../support/docker.ts";
import { stack } from "../support/stack.ts";

const info = stack();

/** Long enough for idle keep-alive connections between proxy and app to close (4-5 s). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 6000));

function load(amount: number) {
  return autocannon({
    url: `http://127.0.0.1:${info.proxyPort}/headers`,
    headers: { host: "app.local:8080" },
    connections: 50,
    amount,
    timeout: 10,
  });
}

describe("20,000 requests at 50 connections through the proxy", () => {
  it("all succeed, and resident memory returns to within 10% of its warmed-up level", async () => {
    // Node grows its heap and its allocator's pools to fit the first burst of traffic and keeps them
    // while idle (a bare Node HTTP server does too); a warm-up run of the same size reaches that
    // working size, so what is measured after it is what a leak would add.
    await load(20_000);
    await settle();
    const before = { app: (await memoryKb(info, "app")).rss, proxy: (await memoryKb(info, "proxy")).rss };
    const result = await load(20_000);
    await settle();
    const after = { app: (await memoryKb(info, "app")).rss, proxy: (await memoryKb(info, "proxy")).rss };

    console.log(
      `load: ${result.requests.total} requests in ${result.duration.toFixed(1)} s, ${Math.round(result.requests.average)} req/s, ` +
        `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms; errors ${result.errors}, timeouts ${result.timeouts}, ` +
        `non-2xx ${result.non2xx}; RSS app ${before.app} -> ${after.app} kB, proxy ${before.proxy} -> ${after.proxy} kB`,
    );
    expect(result.requests.total).toBe(20_000);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result["2xx"]).toBe(20_000);
    expect(after.app).toBeLessThanOrEqual(before.app * 1.1);
    expect(after.proxy).toBeLessThanOrEqual(before.proxy * 1.1);
  });
});
