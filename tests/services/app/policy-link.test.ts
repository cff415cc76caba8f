// The app's end of the link to the policy sandbox (issue #19), against peers on the real Unix socket
// that behave as a policy gone bad might make its sandbox behave: silent, garbled, oversized, a
// second sandbox, a header no server may send. The app answers every API request with a named
// failure or the policy's verdict, and its own pages throughout.
import { once } from "node:events";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES } from "../../../services/shared/src/policy-lines.ts";
import { eventually } from "../../../services/shared/src/retry.ts";
import { startApp } from "../../support/app.ts";
import { http } from "../../support/http.ts";

const ORIGIN = "http://app.local:8080";

/** A connection to the app's socket that speaks the protocol's lines as a test tells it to. */
async function connection(socket: string) {
  const link = connect(socket);
  await once(link, "connect");
  const received: { type: string; id: number }[] = [];
  let buffered = "";
  link.on("data", (chunk) => {
    buffered += chunk.toString("utf8");
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      received.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
  });
  // The app may cut the link while this peer still writes: that is what some tests look for.
  link.on("error", () => undefined);
  const closed = new Promise<boolean>((resolve) => link.once("close", () => resolve(true)));
  return {
    link,
    received,
    closed,
    send: (message: unknown) => {
      if (!link.destroyed) link.write(`${JSON.stringify(message)}\n`, () => undefined);
    },
    /** The next request the app sends, once it has. */
    async nextRun(): Promise<{ id: number }> {
      const count = received.length;
      await eventually(async () => received.length > count, { timeoutMs: 5000, intervalMs: 10 });
      return received.at(-1) as { id: number };
    },
  };
}

type Connection = Awaited<ReturnType<typeof connection>>;

/**
 * A sandbox as the app sees one: a control connection that says hello, how the file stands and that
 * thread 1 serves, and thread 1's own connection, which the requests come to.
 */
async function sandboxPeer(socket: string, timeoutMs = 1000, id = "test-peer") {
  const control = await connection(socket);
  control.send({ type: "hello", sandbox: { id, startedAt: new Date().toISOString(), timeoutMs } });
  control.send({
    type: "status",
    status: { file: "cors-policy.ts", exported: "middleware", version: 1, loadedAt: undefined },
  });
  control.send({ type: "thread", thread: 1 });
  const thread: Connection = await connection(socket);
  thread.send({ type: "serve", sandbox: id, thread: 1 });
  return { control, thread };
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
    const { thread } = await sandboxPeer(app.socket);
    const run = await thread.nextRun();
    thread.send({
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
    const second = await connection(app.socket);
    second.send({ type: "hello", sandbox: { id: "second", startedAt: "now", timeoutMs: 1000 } });
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
    const rogue = await connection(app.socket);
    misbehave((raw) => rogue.link.write(raw));
    expect(await rogue.closed).toBe(true);
    await sandboxPeer(app.socket);
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
    const { thread } = await sandboxPeer(app.socket);
    const pending = request(app.port);
    thread.send({ type: "outcome", id: (await thread.nextRun()).id, outcome });
    const answer = await pending;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(problem);
    expect(answer.headers["set-cookie"]).toBeUndefined();
  });

  it("fails a request, named, when the sandbox gives no verdict in time", async () => {
    await using app = await startApp({}, { sandbox: false });
    await sandboxPeer(app.socket, 100);
    const answer = await request(app.port);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/the lab's policy sandbox gave no verdict within 2100 ms/);
  });

  it("fails the requests in flight, named, when the sandbox goes away, and links the next sandbox", async () => {
    await using app = await startApp({}, { sandbox: false });
    const gone = await sandboxPeer(app.socket);
    const pending = request(app.port);
    await gone.thread.nextRun();
    gone.control.link.destroy();
    const answer = await pending;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/the lab's policy sandbox stopped while it ran this request/);
    await sandboxPeer(app.socket, 1000, "next-peer");
    expect(await linked(app.port)).toBe(true);
  });

  it("fails a thread's requests with the reason its sandbox gives when the thread ends", async () => {
    await using app = await startApp({}, { sandbox: false });
    const { control, thread } = await sandboxPeer(app.socket);
    const pending = request(app.port);
    await thread.nextRun();
    control.send({
      type: "ended",
      thread: 1,
      problem: "it was still running after 1000 ms: an endless loop?",
    });
    const answer = await pending;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/an endless loop\?/);
    expect(await thread.closed).toBe(true);
  });

  it.each([
    ["a thread the sandbox did not name", { type: "serve", sandbox: "test-peer", thread: 7 }],
    ["a thread of another sandbox", { type: "serve", sandbox: "someone-else", thread: 1 }],
  ])("refuses a connection that offers %s", async (_name, serve) => {
    await using app = await startApp({}, { sandbox: false });
    await sandboxPeer(app.socket);
    const impostor = await connection(app.socket);
    impostor.send(serve);
    expect(await impostor.closed).toBe(true);
  });

  it("cuts a thread's connection that sends anything but outcomes", async () => {
    await using app = await startApp({}, { sandbox: false });
    const { thread } = await sandboxPeer(app.socket);
    thread.send({ type: "status", status: { file: "x.ts", exported: "null", version: 9 } });
    expect(await thread.closed).toBe(true);
    expect((await http(app.port, "/policy.json")).body).not.toContain("x.ts");
  });
});
