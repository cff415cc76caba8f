import { describe, expect, it } from "vitest";
import {
  proxiedHostNames,
  readLabOrigins,
  roleOfHost,
  withOrigins,
} from "../../../services/shared/src/lab-origins.ts";

const CODESPACE = {
  CODESPACES: "true",
  CODESPACE_NAME: "ada-lab-x9pq",
  GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev",
};

describe("the default origin set", () => {
  it("is the four origins of the guide, and step 10's attacker sites", () => {
    const origins = readLabOrigins({});
    expect(origins.set).toBe("default");
    expect(origins.lab).toEqual([
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://app.local:8080",
      "http://api.local:8080",
    ]);
    expect(origins.byRole).toMatchObject({
      attacker: "http://attacker.localhost:8080",
      lookalike: "http://app.local.attacker.localhost:8080",
    });
    expect(origins.forwarder).toBeUndefined();
  });

  it("follows APP_PORT and PROXY_PORT when they change", () => {
    expect(readLabOrigins({ APP_PORT: "3100", PROXY_PORT: "8180" }).lab).toEqual([
      "http://localhost:3100",
      "http://127.0.0.1:3100",
      "http://app.local:8180",
      "http://api.local:8180",
    ]);
  });

  it("names a bad port before it makes an origin of it", () => {
    expect(() => readLabOrigins({ PROXY_PORT: "80a" })).toThrow('PROXY_PORT="80a" is not valid');
  });
});

describe("the localhost origin set", () => {
  it("uses names under .localhost, which browsers resolve themselves: no hosts-file line", () => {
    const origins = readLabOrigins({ LAB_ORIGIN_SET: "localhost" });
    expect(origins.lab).toEqual([
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://app.localhost:8080",
      "http://api.localhost:8080",
    ]);
    expect(origins.byRole.lookalike).toBe("http://app.localhost.attacker.localhost:8080");
    expect(
      Object.values(origins.byRole).every((origin) =>
        /\/\/(localhost|127\.0\.0\.1|[a-z.]+\.localhost):/.test(origin),
      ),
    ).toBe(true);
  });
});

describe("the forwarded origin set", () => {
  it("gives each role a port of its own, at the address the template makes of it", () => {
    const origins = readLabOrigins({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" });
    expect(origins.set).toBe("forwarded");
    expect(origins.byRole).toEqual({
      localhost: "https://3000.example.test",
      loopback: "https://3001.example.test",
      app: "https://8080.example.test",
      api: "https://8081.example.test",
      attacker: "https://8082.example.test",
      lookalike: "https://8083.example.test",
      sibling: "https://8084.example.test",
      public: "https://8085.example.test",
    });
    expect(origins.ports).toEqual({
      localhost: 3000,
      loopback: 3001,
      app: 8080,
      api: 8081,
      attacker: 8082,
      lookalike: 8083,
      sibling: 8084,
      public: 8085,
    });
  });

  it("takes each role's port from its variable", () => {
    const origins = readLabOrigins({
      LAB_FORWARD_TEMPLATE: "http://lab-vm:{port}",
      LAB_API_PORT: "9001",
      LAB_LOOPBACK_PORT: "9002",
    });
    expect(origins.byRole.api).toBe("http://lab-vm:9001");
    expect(origins.byRole.loopback).toBe("http://lab-vm:9002");
  });

  it("is the default inside GitHub Codespaces, from the codespace's name and forwarding domain", () => {
    const origins = readLabOrigins(CODESPACE);
    expect(origins.set).toBe("forwarded");
    expect(origins.forwarder).toEqual({
      template: "https://ada-lab-x9pq-{port}.app.github.dev",
      platform: "codespaces",
    });
    expect(origins.byRole.app).toBe("https://ada-lab-x9pq-8080.app.github.dev");
  });

  it("is the default inside Gitpod, from the workspace's address", () => {
    const origins = readLabOrigins({
      GITPOD_WORKSPACE_URL: "https://coral-dragon-ilr0r6eq.ws-eu10.gitpod.io",
    });
    expect(origins.forwarder?.platform).toBe("gitpod");
    expect(origins.byRole.api).toBe("https://8081-coral-dragon-ilr0r6eq.ws-eu10.gitpod.io");
  });

  it("gives way to LAB_ORIGIN_SET, say with desktop VS Code forwarding the ports to localhost", () => {
    expect(readLabOrigins({ ...CODESPACE, LAB_ORIGIN_SET: "default" }).lab[2]).toBe("http://app.local:8080");
  });

  it.each([
    [
      { LAB_ORIGIN_SET: "cloud" },
      'LAB_ORIGIN_SET="cloud" is not valid: expected one of default, localhost, forwarded',
    ],
    [
      { LAB_ORIGIN_SET: "forwarded" },
      'LAB_ORIGIN_SET="forwarded" is not valid: expected default or localhost here: forwarded needs LAB_FORWARD_TEMPLATE',
    ],
    [
      { LAB_FORWARD_TEMPLATE: "https://lab.example.test" },
      'LAB_FORWARD_TEMPLATE="https://lab.example.test" is not valid: expected a URL with {port} in it',
    ],
    [
      { LAB_FORWARD_TEMPLATE: "https://{port}.example.test/lab" },
      'LAB_FORWARD_TEMPLATE="https://{port}.example.test/lab" is not valid',
    ],
    [
      { LAB_FORWARD_TEMPLATE: "ftp://{port}.example.test" },
      'LAB_FORWARD_TEMPLATE="ftp://{port}.example.test" is not valid',
    ],
    [
      { CODESPACES: "true", GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN: "app.github.dev" },
      'CODESPACE_NAME="" is not valid',
    ],
    [
      { CODESPACES: "true", CODESPACE_NAME: "ada-lab" },
      'GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN="" is not valid',
    ],
    [
      { GITPOD_WORKSPACE_URL: "http://ws.gitpod.io" },
      'GITPOD_WORKSPACE_URL="http://ws.gitpod.io" is not valid',
    ],
    [
      { LAB_FORWARD_TEMPLATE: "https://{port}.example.test", LAB_API_PORT: "8080" },
      'LAB_API_PORT="8080" is not valid: expected a port of its own: behind a forwarder each role needs one, and app has 8080',
    ],
  ])("names the variable of a bad value: %j", (env, message) => {
    expect(() => readLabOrigins(env)).toThrow(message);
  });
});

describe("which role a request is for", () => {
  it("comes from its Host, as the browser wrote it", () => {
    const origins = readLabOrigins({});
    expect(roleOfHost(origins, "localhost:3000")).toBe("localhost");
    expect(roleOfHost(origins, "127.0.0.1:3000")).toBe("loopback");
    expect(roleOfHost(origins, "APP.LOCAL:8080")).toBe("app");
    expect(roleOfHost(origins, "app.local.attacker.localhost:8080")).toBe("lookalike");
    expect(roleOfHost(origins, "app.local:1234")).toBeUndefined();
    expect(roleOfHost(origins, "localhost:8081")).toBeUndefined();
  });

  it("behind a forwarder that rewrites Host to localhost:PORT, comes from the port", () => {
    const origins = readLabOrigins({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" });
    expect(roleOfHost(origins, "localhost:8081")).toBe("api");
    expect(roleOfHost(origins, "127.0.0.1:3001")).toBe("loopback");
    expect(roleOfHost(origins, "8082.example.test")).toBe("attacker");
    expect(roleOfHost(origins, "8082.example.test:443")).toBe("attacker");
    expect(roleOfHost(origins, "localhost:9999")).toBeUndefined();
  });
});

describe("the proxy's names", () => {
  it.each([
    [
      {},
      [
        "app.local",
        "api.local",
        "attacker.localhost",
        "app.local.attacker.localhost",
        "evil.app.local",
        "public.localhost",
      ],
    ],
    [
      { LAB_ORIGIN_SET: "localhost" },
      [
        "app.localhost",
        "api.localhost",
        "attacker.localhost",
        "app.localhost.attacker.localhost",
        "evil.app.localhost",
        "public.localhost",
      ],
    ],
    [
      { LAB_FORWARD_TEMPLATE: "https://{port}.example.test" },
      [
        "8080.example.test",
        "8081.example.test",
        "8082.example.test",
        "8083.example.test",
        "8084.example.test",
        "8085.example.test",
        "localhost",
        "127.0.0.1",
      ],
    ],
  ])("in %j are its roles' names", (env, names) => {
    expect(proxiedHostNames(readLabOrigins(env))).toEqual(names);
  });
});

describe("the guide's text, as the lab serves it", () => {
  const text =
    "Open <http://app.local:8080>, fetch http://api.local:8080/headers, compare with localhost:3000; " +
    "the attacker is at http://app.local.attacker.localhost:8080.";

  it("is unchanged on the default origins", () => {
    expect(withOrigins(text, readLabOrigins({}))).toBe(text);
  });

  it("names the origins in use, longest first", () => {
    expect(withOrigins(text, readLabOrigins({ LAB_ORIGIN_SET: "localhost" }))).toBe(
      "Open <http://app.localhost:8080>, fetch http://api.localhost:8080/headers, compare with localhost:3000; " +
        "the attacker is at http://app.localhost.attacker.localhost:8080.",
    );
    expect(withOrigins(text, readLabOrigins({ LAB_FORWARD_TEMPLATE: "https://{port}.example.test" }))).toBe(
      "Open <https://8080.example.test>, fetch https://8081.example.test/headers, compare with 3000.example.test; " +
        "the attacker is at https://8083.example.test.",
    );
  });
});
