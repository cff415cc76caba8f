import { describe, expect, it } from "vitest";
import { defaultRoutes, parseRoutes, readProxyConfig } from "../../../services/proxy/src/config.ts";
import { readLabOrigins } from "../../../services/shared/src/lab-origins.ts";

const asObject = (routes: Map<string, URL>) =>
  Object.fromEntries([...routes].map(([host, url]) => [host, url.href]));

describe("PROXY_ROUTES", () => {
  it("routes app.local, api.local and step 10's attacker sites to the same app by default", () => {
    expect(asObject(readProxyConfig({}).routes as Map<string, URL>)).toEqual({
      "app.local": "http://app:3000/",
      "api.local": "http://app:3000/",
      "attacker.localhost": "http://app:3000/",
      "app.local.attacker.localhost": "http://app:3000/",
      "evil.app.local": "http://app:3000/",
      "public.localhost": "http://app:3000/",
    });
    expect(asObject(parseRoutes(defaultRoutes(readLabOrigins({}))))).toEqual(
      asObject(readProxyConfig({}).routes as Map<string, URL>),
    );
  });

  it("routes to the app's port when APP_PORT changes", () => {
    expect(asObject(readProxyConfig({ APP_PORT: "3100" }).routes as Map<string, URL>)).toMatchObject({
      "app.local": "http://app:3100/",
      "attacker.localhost": "http://app:3100/",
    });
  });

  it("reads hosts case-insensitively and tolerates spaces and a trailing comma", () => {
    expect(asObject(parseRoutes(" App.Local = http://app:3000 , other.test=http://10.0.0.5:81/ ,"))).toEqual({
      "app.local": "http://app:3000/",
      "other.test": "http://10.0.0.5:81/",
    });
  });

  it.each([
    ["app.local", "app.local", "no '=' in this entry"],
    ["=http://app:3000", "=http://app:3000", "is not a host name"],
    ["app.local:8080=http://app:3000", "app.local:8080=http://app:3000", "is not a host name"],
    ["app.local=app:3000", "app.local=app:3000", "must be an http:// URL"],
    ["app.local=http//app", "app.local=http//app", "is not a URL"],
    ["app.local=https://app:3000", "app.local=https://app:3000", "must be an http:// URL"],
    ["app.local=http://app:3000/api", "app.local=http://app:3000/api", "with no path"],
    ["app.local=http://app:99999", "app.local=http://app:99999", "is not a URL"],
    ["a.local=http://a:1,A.LOCAL=http://b:2", "A.LOCAL=http://b:2", "routed twice"],
  ])("rejects %j, naming the entry %j", (value, entry, why) => {
    expect(() => parseRoutes(value)).toThrow(`PROXY_ROUTES=${JSON.stringify(entry)} is not valid`);
    expect(() => parseRoutes(value)).toThrow(why);
  });

  it("rejects a value with no routes at all", () => {
    expect(() => parseRoutes(" , ")).toThrow("expected at least one host=url entry");
  });
});

describe("the rest of the proxy's configuration", () => {
  it("has sensible defaults", () => {
    expect(readProxyConfig({})).toMatchObject({ port: 8080, host: "0.0.0.0", upstreamTimeoutMs: 10_000 });
  });

  it("names the variable of a bad value", () => {
    expect(() => readProxyConfig({ PROXY_PORT: "http" })).toThrow('PROXY_PORT="http" is not valid');
    expect(() => readProxyConfig({ PROXY_UPSTREAM_TIMEOUT_MS: "5" })).toThrow(
      'PROXY_UPSTREAM_TIMEOUT_MS="5" is not valid: expected a whole number from 100 to 600000',
    );
    expect(() => readProxyConfig({ PROXY_LISTEN_ADDRESS: "everywhere" })).toThrow(
      'PROXY_LISTEN_ADDRESS="everywhere" is not valid',
    );
  });
});
