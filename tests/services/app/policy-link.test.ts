// The app's end of the link to the policy sandbox (issue #19), against peers on the real Unix socket
// that behave as a policy gone bad might make its sandbox behave: silent, garbled, oversized, a
// second sandbox, a header no server may send. The app answers every API request with a named
// failure or the policy's verdict, and its own pages throughout.
import { once } from "node:events";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES } from "../../../services/shared/src/policy-protocol.ts";
import { eventually } from "../../../services/shared/src/retry.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const ORIGIN = "http://app.local:8080";

/** A peer on the app's socket that speaks the protocol's lines as a test tells it to. */
async function peer(socket: string) {
  const connection = connect(socket);
  await once(connection, "connect");
  const received: { type: string; id: number }[] = [];
  let buffered = "";
  connection.on("data", (chunk) => {
    buffered += chunk.toString("utf8");
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      received.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
  });
  // The app may cut the link while this peer still writes: that is what some tests look for.
  connection.on("error", () => undefined);
  const closed = new Promise<boolean>((resolve) => connection.once("close", () => resolve(true)));
  return {
    connection,
    received,
    closed,
    send: (message: unknown) => {
      if (!connection.destroyed) connection.write(`${JSON.stringify(message)}\n`, () => undefined);
    },
    hello(timeoutMs = 1000) {
      this.send({
        type: "hello",
        sandbox: { id: "test-peer", startedAt: new Date().toISOString(), timeoutMs },
      });
      this.send({
        type: "status",
        status: { file: "cors-policy.ts", exported: "middleware", version: 1, loadedAt: undefined },
      });
    },
    /** The next request the app sends, once it has. */
    async nextRun(): Promise<{ id: number }> {
      const count = received.length;
      await eventually(async () => received.length > count, { timeoutMs: 5000, intervalMs: 10 });
      return received.at(-1) as { id: number };
    },
  };
}

const linked = (port: number) =>
  eventually(async () => JSON.parse((await http(port, "/policy.json")).body).sandbox.linked === true, {
    timeoutMs: 5000,
    intervalMs: 20,
  });

const request = (port: number) => http(port, "/headers", { headers: { origin: ORIGIN } });

describe("the app's link to the policy sandbox", () => {
  it("answers API requests with a named 503 while no sandbox is linked, and its pages with 200", async () => {
    await using app = await startApp({}, { sandbox: false });
    const [answer, page, status] = await Promise.all([
      request(app.port),
      http(app.port, "/lab"),
      http(app.port, "/requests"),
    ]);
    expect(answer.status).toBe(503);
    expect(answer.headers["x-lab-policy-failure"]).toMatch(/the lab's policy sandbox is not running/);
    expect(page.status).toBe(200);
    expect(status.body).toContain('id="policy-sandbox-down"');
  });

  it("holds a request that came before the sandbox, and answers it once one links", async () => {
    await using app = await startApp({}, { sandbox: false });
    const pending = request(app.port);
    const sandbox = await peer(app.socket);
    sandbox.hello();
    const run = await sandbox.nextRun();
    sandbox.send({
      type: "outcome",
      id: run.id,
      outcome: { kind: "next", headers: [["Access-Control-Allow-Origin", ORIGIN]] },
    });
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBe(ORIGIN);
  });

  it("refuses a second sandbox while one is linked, and keeps the first", async () => {
    await using app = await startApp();
    expect(await linked(app.port)).toBe(true);
    const second = await peer(app.socket);
    second.hello();
    expect(await second.closed).toBe(true);
    expect((await request(app.port)).status).toBe(200);
    expect(
      app.log.lines.some((line) => line.message === "refused a second link from the policy sandbox"),
    ).toBe(true);
  });

  it.each([
    ["a message that is not JSON", (send: (raw: string) => void) => send("not json\n")],
    ["a message of no known type", (send: (raw: string) => void) => send('{"type":"run","id":1}\n')],
    [
      "a line longer than the protocol allows",
      (send: (raw: string) => void) => send("x".repeat(MAX_MESSAGE_BYTES + 10)),
    ],
  ])("cuts a peer that sends %s first, and links the next one", async (_name, misbehave) => {
    await using app = await startApp({}, { sandbox: false });
    const rogue = await peer(app.socket);
    misbehave((raw) => rogue.connection.write(raw));
    expect(await rogue.closed).toBe(true);
    const sandbox = await peer(app.socket);
    sandbox.hello();
    expect(await linked(app.port)).toBe(true);
  });

  it.each([
    [
      "a header value with a line break",
      { kind: "next", headers: [["Access-Control-Allow-Origin", `${ORIGIN}\r\nSet-Cookie: x=1`]] },
      /it set a header the app cannot send/,
    ],
    [
      "a status that is not HTTP's",
      { kind: "answered", status: 999, headers: [], body: "" },
      /it answered with status 999, which is not an HTTP status/,
    ],
  ])("fails the request, named, when the sandbox's verdict has %s", async (_name, outcome, problem) => {
    await using app = await startApp({}, { sandbox: false });
    const sandbox = await peer(app.socket);
    sandbox.hello();
    const pending = request(app.port);
    sandbox.send({ type: "outcome", id: (await sandbox.nextRun()).id, outcome });
    const answer = await pending;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(problem);
    expect(answer.headers["set-cookie"]).toBeUndefined();
  });

  it("fails a request, named, when the sandbox gives no verdict in time", async () => {
    await using app = await startApp({}, { sandbox: false });
    const sandbox = await peer(app.socket);
    sandbox.hello(100);
    const answer = await request(app.port);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/the lab's policy sandbox gave no verdict within 2100 ms/);
  });

  it("fails the requests in flight, named, when the sandbox goes away, and links the next sandbox", async () => {
    await using app = await startApp({}, { sandbox: false });
    const gone = await peer(app.socket);
    gone.hello();
    const pending = request(app.port);
    await gone.nextRun();
    gone.connection.destroy();
    const answer = await pending;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/the lab's policy sandbox stopped while it ran this request/);
    const next = await peer(app.socket);
    next.hello();
    expect(await linked(app.port)).toBe(true);
  });
});
