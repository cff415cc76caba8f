import { describe, expect, it } from "vitest";
import { hostName } from "../../../services/proxy/src/host.ts";

describe("hostName", () => {
  it.each([
    ["app.local:8080", "app.local"],
    ["APP.Local", "app.local"],
    ["app.local.:8080", "app.local"],
    ["127.0.0.1:8080", "127.0.0.1"],
    ["[::1]:8080", "[::1]"],
    ["app.local:", "app.local"],
  ])("reads %j as %j", (header, host) => {
    expect(hostName(header)).toBe(host);
  });

  it.each([
    undefined,
    "",
    " ",
    "a b",
    "app.local:80:80",
    "user@app.local",
    "app.local/x",
    "[zz]:1",
    "app.local:123456",
  ])("has no host for %j", (header) => {
    expect(hostName(header)).toBeUndefined();
  });
});
