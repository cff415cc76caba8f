import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import {
  REMOVED_FROM_REQUESTS,
  REMOVED_FROM_RESPONSES,
  removeHeaders,
} from "../../../services/proxy/src/headers.ts";

function cleaned(headers: IncomingHttpHeaders, removed: readonly string[]): IncomingHttpHeaders {
  const copy = { ...headers };
  removeHeaders(copy, removed);
  return copy;
}

describe("the headers a request loses at the proxy", () => {
  it("drops the standard hop-by-hop headers and keeps end-to-end ones", () => {
    expect(
      cleaned(
        {
          host: "app.local",
          accept: "*/*",
          connection: "keep-alive",
          "keep-alive": "timeout=5",
          te: "trailers",
          trailer: "X-Checksum",
          upgrade: "websocket",
          "proxy-authorization": "Basic eA==",
          "transfer-encoding": "chunked",
        },
        REMOVED_FROM_REQUESTS,
      ),
    ).toEqual({ host: "app.local", accept: "*/*", "transfer-encoding": "chunked" });
  });

  it("drops forwarding headers a client made up, and Expect, which Node has answered", () => {
    expect(
      cleaned(
        {
          host: "app.local",
          "x-forwarded-for": "203.0.113.9",
          "x-forwarded-host": "evil.example",
          "x-forwarded-proto": "https",
          "x-forwarded-port": "443",
          expect: "100-continue",
        },
        REMOVED_FROM_REQUESTS,
      ),
    ).toEqual({ host: "app.local" });
  });

  it("drops what Connection names, but never Host, which routing needs", () => {
    expect(
      cleaned(
        { host: "app.local", connection: "X-Secret, Host", "x-secret": "1", "x-lab": "kept" },
        REMOVED_FROM_REQUESTS,
      ),
    ).toEqual({ host: "app.local", "x-lab": "kept" });
  });

  it("keeps the sender's wish to close the connection, and nothing else of Connection", () => {
    expect(cleaned({ connection: "Upgrade, close, X-A", "x-a": "1" }, REMOVED_FROM_REQUESTS)).toEqual({
      connection: "close",
    });
    expect(cleaned({ connection: "closed" }, REMOVED_FROM_REQUESTS)).toEqual({});
  });
});

describe("the headers an answer loses at the proxy", () => {
  it("drops the app's hop-by-hop headers, and keeps its CORS and forwarding ones", () => {
    expect(
      cleaned(
        {
          connection: "keep-alive",
          "keep-alive": "timeout=5",
          "access-control-allow-origin": "http://app.local:8080",
          "x-forwarded-host": "app.local:8080",
        },
        REMOVED_FROM_RESPONSES,
      ),
    ).toEqual({
      "access-control-allow-origin": "http://app.local:8080",
      "x-forwarded-host": "app.local:8080",
    });
  });
});
