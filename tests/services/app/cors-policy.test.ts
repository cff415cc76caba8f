import { describe, expect, it } from "vitest";
import { CORS_DEFAULTS, isCorsEnabled, readCorsPolicy } from "../../../services/app/src/cors-policy.ts";

describe("the CORS policy", () => {
  it("is off by default", () => {
    const policy = readCorsPolicy({});
    expect(policy).toEqual(CORS_DEFAULTS);
    expect(isCorsEnabled(policy)).toBe(false);
  });

  it("reads a full policy", () => {
    expect(
      readCorsPolicy({
        CORS_ALLOW_ORIGINS: "http://app.local:8080, http://localhost:3000",
        CORS_ALLOW_METHODS: "get,put",
        CORS_ALLOW_HEADERS: "Content-Type,X-Lab",
        CORS_EXPOSE_HEADERS: "X-Request-Id",
        CORS_ALLOW_CREDENTIALS: "true",
        CORS_MAX_AGE: "600",
      }),
    ).toEqual({
      allowOrigins: ["http://app.local:8080", "http://localhost:3000"],
      allowMethods: ["GET", "PUT"],
      allowHeaders: ["Content-Type", "X-Lab"],
      exposeHeaders: ["X-Request-Id"],
      allowCredentials: true,
      maxAgeSeconds: 600,
    });
  });

  it("takes * alone as any origin", () => {
    expect(readCorsPolicy({ CORS_ALLOW_ORIGINS: "*" }).allowOrigins).toBe("*");
  });

  it.each([
    [
      { CORS_ALLOW_ORIGINS: "http://app.local:8080/" },
      'CORS_ALLOW_ORIGINS="http://app.local:8080/" is not valid',
    ],
    [{ CORS_ALLOW_ORIGINS: "*,http://a.test" }, 'CORS_ALLOW_ORIGINS="*" is not valid'],
    [
      { CORS_ALLOW_ORIGINS: "*", CORS_ALLOW_CREDENTIALS: "true" },
      "expected false when CORS_ALLOW_ORIGINS is *",
    ],
    [{ CORS_ALLOW_METHODS: "GET,P UT" }, 'CORS_ALLOW_METHODS="P UT" is not valid'],
    [{ CORS_ALLOW_HEADERS: "X-Ok,X:Bad" }, 'CORS_ALLOW_HEADERS="X:Bad" is not valid'],
    [{ CORS_MAX_AGE: "-5" }, 'CORS_MAX_AGE="-5" is not valid'],
    [{ CORS_ALLOW_CREDENTIALS: "sure" }, 'CORS_ALLOW_CREDENTIALS="sure" is not valid'],
  ])("rejects %j", (env, message) => {
    expect(() => readCorsPolicy(env)).toThrow(message);
  });
});
