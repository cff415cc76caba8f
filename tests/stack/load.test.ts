// A bounded load through the proxy (loopback only): every request answered, none lost. What the load
// costs in memory, and how fast it goes, is measured by `npm run bench`, not held to a figure here.
import autocannon from "autocannon";
import { describe, expect, it } from "vitest";
import { stack } from "../support/stack.ts";

const info = stack();

describe("20,000 requests at 50 connections through the proxy", () => {
  it("all succeed", async () => {
    const result = await autocannon({
      url: `http://127.0.0.1:${info.proxyPort}/headers`,
      headers: { host: "app.local:8080" },
      connections: 50,
      amount: 20_000,
      timeout: 10,
    });
    expect(result.requests.total).toBe(20_000);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result["2xx"]).toBe(20_000);
  });
});
