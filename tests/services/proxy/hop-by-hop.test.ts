import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { stripHopByHop } from "../../../services/proxy/src/hop-by-hop.ts";

function stripped(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  stripHopByHop(copy);
  return copy;
}

describe("stripHopByHop", () => {
  it("drops the standard hop-by-hop headers and keeps end-to-end ones", () => {
    expect(
      stripped({
        host: "app.local",
        accept: "*/*",
        connection: "keep-alive",
        "keep-alive": "timeout=5",
        te: "trailers",
        upgrade: "websocket",
        "proxy-authorization": "Basic eA==",
        "transfer-encoding": "chunked",
      }),
    ).toEqual({ host: "app.local", accept: "*/*", "transfer-encoding": "chunked" });
  });

  it("drops what Connection names, but never Host or the forwarding headers", () => {
    expect(
      stripped({
        host: "app.local",
        connection: "X-Secret, Host, X-Forwarded-For",
        "x-secret": "1",
        "x-forwarded-for": "10.0.0.1",
      }),
    ).toEqual({ host: "app.local", "x-forwarded-for": "10.0.0.1" });
  });

  it("keeps the sender's wish to close the connection, and nothing else of Connection", () => {
    expect(stripped({ connection: "Upgrade, close, X-A", "x-a": "1" })).toEqual({ connection: "close" });
    expect(stripped({ connection: "closed" })).toEqual({});
  });
});
