// The relay that lets Firefox and WebKit, which send `.localhost` names to loopback themselves,
// reach the hosts GRADER_HOST_RESOLVER_RULES maps those names to: real sockets on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayedPorts, relayLoopbackNames } from "../../../../services/grader/src/engines/loopback-relay.ts";
import { freePort } from "../../../support/http.ts";

describe("which ports are relayed", () => {
  it("are the mapped .localhost origins' ports, to the mapped host on the same port", () => {
    const origins = [
      "http://localhost:3000",
      "http://app.local:8080",
      "http://attacker.localhost:8080",
      "http://app.local.attacker.localhost:8080",
      "null",
    ];
    expect(relayedPorts(origins, "MAP *.localhost proxy")).toEqual(new Map([[8080, "proxy:8080"]]));
    expect(relayedPorts(origins, "MAP *.example proxy")).toEqual(new Map());
    expect(relayedPorts(origins, "")).toEqual(new Map());
  });
});

describe("the relay", () => {
  let upstream: http.Server;
  let port: number;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => res.end(`upstream saw ${req.headers.host}`));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.2", resolve));
    // The relay listens on the same port on 127.0.0.1 as the upstream does on 127.0.0.2.
    port = (upstream.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => upstream.close(resolve)));

  const ask = () =>
    new Promise<string>((resolve, reject) => {
      http
        .get(
          { host: "127.0.0.1", port, path: "/", headers: { host: `attacker.localhost:${port}` } },
          (res) => {
            let body = "";
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () => resolve(body));
          },
        )
        .on("error", reject);
    });

  it("carries a loopback connection to the mapped host, and closes when its last user leaves", async () => {
    const origins = [`http://attacker.localhost:${port}`];
    const leaveFirst = await relayLoopbackNames(origins, "MAP *.localhost 127.0.0.2");
    const leaveSecond = await relayLoopbackNames(origins, "MAP *.localhost 127.0.0.2");
    expect(await ask()).toBe(`upstream saw attacker.localhost:${port}`);
    await leaveFirst();
    expect(await ask()).toBe(`upstream saw attacker.localhost:${port}`);
    await leaveSecond();
    await expect(ask()).rejects.toThrow(/ECONNREFUSED/);
  });

  it("leaves a port that something else already listens on alone", async () => {
    const other = await freePort();
    const taken = http.createServer((_req, res) => res.end("someone else"));
    await new Promise<void>((resolve) => taken.listen(other, "127.0.0.1", resolve));
    try {
      const leave = await relayLoopbackNames(
        [`http://attacker.localhost:${other}`],
        "MAP *.localhost 127.0.0.2",
      );
      await leave();
      const answer = await fetch(`http://127.0.0.1:${other}/`).then((res) => res.text());
      expect(answer).toBe("someone else");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
