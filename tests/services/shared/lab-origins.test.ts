import { describe, expect, it } from "vitest";
import { readLabOrigins } from "../../../services/shared/src/lab-origins.ts";

describe("the lab's origins", () => {
  it("default to the four origins of the guide", () => {
    expect(readLabOrigins({})).toEqual([
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://app.local:8080",
      "http://api.local:8080",
    ]);
  });

  it("follow APP_PORT and PROXY_PORT when they change", () => {
    expect(readLabOrigins({ APP_PORT: "3100", PROXY_PORT: "8180" })).toEqual([
      "http://localhost:3100",
      "http://127.0.0.1:3100",
      "http://app.local:8180",
      "http://api.local:8180",
    ]);
  });

  it("names the bad entry of LAB_ORIGINS", () => {
    expect(() => readLabOrigins({ LAB_ORIGINS: "http://localhost:3000,app.local:8080" })).toThrow(
      'LAB_ORIGINS="app.local:8080" is not valid',
    );
  });

  it("names a bad port before it makes an origin of it", () => {
    expect(() => readLabOrigins({ PROXY_PORT: "80a" })).toThrow('PROXY_PORT="80a" is not valid');
  });
});
