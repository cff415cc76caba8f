import { describe, expect, it } from "vitest";
import {
  ConfigError,
  parseOrigin,
  readBoolean,
  readListenAddress,
  readPort,
} from "../../../services/shared/src/env.ts";

describe("readPort", () => {
  it("falls back when the variable is unset or blank", () => {
    expect(readPort({}, "APP_PORT", 3000)).toBe(3000);
    expect(readPort({ APP_PORT: "  " }, "APP_PORT", 3000)).toBe(3000);
  });

  it.each(["1", "8080", "65535", " 3001 "])("accepts %j", (value) => {
    expect(readPort({ APP_PORT: value }, "APP_PORT", 3000)).toBe(Number(value.trim()));
  });

  it.each(["0", "65536", "-1", "80a", "3.5", "0x50", "eighty"])(
    "rejects %j, naming the variable",
    (value) => {
      expect(() => readPort({ APP_PORT: value }, "APP_PORT", 3000)).toThrowError(
        new ConfigError("APP_PORT", value, "a whole number from 1 to 65535"),
      );
    },
  );
});

describe("readListenAddress", () => {
  it.each(["0.0.0.0", "127.0.0.1", "::", "::1"])("accepts the IP address %s", (value) => {
    expect(readListenAddress({ APP_LISTEN_ADDRESS: value }, "APP_LISTEN_ADDRESS", "0.0.0.0")).toBe(value);
  });

  it.each(["localhost", "300.1.1.1", "0.0.0.0:3000", "*"])("rejects %j", (value) => {
    expect(() => readListenAddress({ APP_LISTEN_ADDRESS: value }, "APP_LISTEN_ADDRESS", "0.0.0.0")).toThrow(
      /^APP_LISTEN_ADDRESS=".*" is not valid: expected an IP address/,
    );
  });
});

describe("readBoolean", () => {
  it("reads the usual spellings", () => {
    expect(readBoolean({ X: "TRUE" }, "X", false)).toBe(true);
    expect(readBoolean({ X: "off" }, "X", true)).toBe(false);
    expect(readBoolean({}, "X", true)).toBe(true);
  });

  it("rejects anything else", () => {
    expect(() => readBoolean({ X: "maybe" }, "X", false)).toThrow(
      'X="maybe" is not valid: expected true or false',
    );
  });
});

describe("origins", () => {
  it.each([
    ["http://app.local:8080", "http://app.local:8080"],
    ["HTTP://App.Local:8080", "http://app.local:8080"],
    ["http://localhost:80", "http://localhost"],
    ["https://[::1]:8443", "https://[::1]:8443"],
  ])("normalises %s to %s, the way a browser writes Origin", (value, origin) => {
    expect(parseOrigin(value)).toBe(origin);
  });

  it.each([
    "app.local:8080",
    "http://app.local:8080/",
    "http://app.local:8080/x",
    "ftp://a",
    "http://u:p@a",
    "null",
  ])("does not take %j as an origin", (value) => {
    expect(parseOrigin(value)).toBeUndefined();
  });
});
