// Faults in the real stack: a hung app, and services stopped while they work.
import { describe, expect, it } from "vitest";
import { eventually } from "../../services/shared/src/retry.ts";
import { compose, hasUnreadRequest, inspect, signalNode } from "../support/docker.ts";
import { up } from "../support/grading.ts";
import { http } from "../support/http.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const UPSTREAM_TIMEOUT_MS = Number(info.env.PROXY_UPSTREAM_TIMEOUT_MS);

async function composeOk(args: readonly string[]): Promise<void> {
  const result = await compose(info, args);
  expect(result.code, `docker compose ${args.join(" ")}: ${result.stderr}`).toBe(0);
}

const throughProxy = () => http(info.proxyPort, "/headers", { host: "app.local:8080" });

describe("a hung app", () => {
  it("gets a 504 with a plain message after PROXY_UPSTREAM_TIMEOUT_MS, and service resumes", async () => {
    await signalNode(info, "app", "STOP");
    try {
      const started = performance.now();
      const answer = await throughProxy();
      const waited = performance.now() - started;
      expect(answer.status).toBe(504);
      expect(answer.body).toBe(
        `Gateway timeout: the app behind app.local sent no answer within ${UPSTREAM_TIMEOUT_MS} ms.\n`,
      );
      // Never sooner than the limit (how much later depends on the machine's load: that is the bench's).
      expect(waited).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 100);
    } finally {
      await signalNode(info, "app", "CONT");
    }
    expect((await throughProxy()).status).toBe(200);
  });
});

describe("stopping services", () => {
  it("lets a request in flight finish while the proxy shuts down", async () => {
    await signalNode(info, "app", "STOP");
    const inFlight = throughProxy();
    // In flight: the proxy has passed the request on, and it waits unread at the stopped app.
    const waiting = () => hasUnreadRequest(info, "app", Number(info.env.APP_PORT));
    expect(await eventually(waiting, { timeoutMs: 5000 })).toBe(true);
    // The proxy has had its SIGTERM and is shutting down, with the request still open.
    const shutdowns = async () =>
      (await compose(info, ["logs", "--no-log-prefix", "proxy"])).stdout.split("proxy: shutting down").length;
    const before = await shutdowns();
    const stopping = compose(info, ["stop", "proxy"]);
    expect(await eventually(async () => (await shutdowns()) > before, { timeoutMs: 5000 })).toBe(true);
    await signalNode(info, "app", "CONT");
    expect((await inFlight).status).toBe(200);
    expect((await stopping).code).toBe(0);
    await up(info, ["proxy"]);
    expect((await throughProxy()).status).toBe(200);
  });

  it.each(["proxy", "app"])("stops the %s at its SIGTERM, before Docker's kill", async (service) => {
    await composeOk(["stop", "--timeout", "10", service]);
    // Exit code 0 is the service's own, on SIGTERM; Docker's kill after the timeout would be 137.
    const stopped = await inspect(info, service);
    expect(stopped.State.ExitCode).toBe(0);
    const logs = (await compose(info, ["logs", "--no-log-prefix", service])).stdout;
    expect(logs).toContain(`${service}: shutting down signal=SIGTERM`);
    await up(info, ["app", "proxy"]);
    expect((await throughProxy()).status).toBe(200);
  });
});
