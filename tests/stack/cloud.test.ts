// The lab under other origin sets (issue #9), in the real stack and the real browser: the localhost
// set (names under .localhost, no hosts-file line), and the forwarded set behind a port forwarder
// double that behaves as GitHub Codespaces' does (tests/support/forwarder/server.ts), public and
// private. Expectation files, reference solutions and mistaken policies are the same files as on the
// default origins: they name roles, and the lab resolves them.
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { readManifest } from "../../services/shared/src/lab-manifest.ts";
import { readLabOrigins } from "../../services/shared/src/lab-origins.ts";
import { ROOT, signalNode } from "../support/docker.ts";
import { FORWARDED_DOMAIN, type Forwarder, startForwarder } from "../support/forwarder.ts";
import {
  crossFrom,
  grade,
  inBrowser,
  mismatches,
  readReport,
  stepVerdicts,
  up,
  withEnv,
  withPolicyServed,
} from "../support/grading.ts";
import { type StackInfo, stack } from "../support/stack.ts";

const info = stack();
const steps = await readManifest(join(ROOT, "lab"));
const FINAL = "./lab/10-misconfigurations/solution";
const mistake = (name: string) => `./lab/10-misconfigurations/mistakes/${name}`;
/** On the untouched lab, the steps whose lesson is the block pass, as on the default origins. */
const STARTER_VERDICTS = steps.map((step) => [
  `Step ${step.number}: ${step.title}`,
  step.solution === undefined,
]);

afterAll(async () => {
  await up(info, ["app", "proxy"]);
});

describe("the localhost origin set: no hosts-file line", () => {
  const local = withEnv(info, { LAB_ORIGIN_SET: "localhost" });
  beforeAll(async () => {
    await up(local, ["app", "proxy"]);
  });

  it("grades the untouched lab as on the default origins", async () => {
    const graded = await grade(local, ["--all"]);
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    expect(graded.stdout).toContain("http://app.localhost:8080");
    expect(await stepVerdicts(info)).toEqual(STARTER_VERDICTS);
  });

  it("passes every step with the final reference solution, unedited", async () => {
    await withPolicyServed(local, FINAL, async (project) => {
      const graded = await grade(project, ["--all"]);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain(`Score: ${steps.length} of ${steps.length} steps.`);
    });
  });
});

/** Each public port, and what the workspace publishes there (docker-compose.forwarded.yml). */
const PUBLISHED = {
  3000: "app:3000",
  3001: "app:3000",
  8080: "proxy:8080",
  8081: "proxy:8080",
  8082: "proxy:8080",
  8083: "proxy:8080",
  8084: "proxy:8080",
  8085: "proxy:8080",
};

function forwardedStack(forwarder: Forwarder): StackInfo {
  return withEnv(info, {
    LAB_FORWARD_TEMPLATE: `https://{port}.${FORWARDED_DOMAIN}`,
    LAB_TRUSTED_FORWARDERS: forwarder.address,
    GRADER_HOST_RESOLVER_RULES: `MAP *.${FORWARDED_DOMAIN} forwarder`,
    GRADER_TRUSTED_CA_FILE: "/ca/ca.pem",
  });
}

/** A request to a public address, through the forwarder's published port, trusting its CA. */
function throughForwarder(
  forwarder: Forwarder,
  host: string,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: "127.0.0.1",
        port: forwarder.hostPort,
        path,
        servername: host,
        headers: { host },
        ca: forwarder.ca,
      },
      (answer) => {
        let body = "";
        answer.setEncoding("utf8").on("data", (chunk) => {
          body += chunk;
        });
        answer.on("end", () => resolve({ status: answer.statusCode ?? 0, body }));
      },
    );
    sent.on("error", reject);
    sent.end();
  });
}

describe("behind a public port forwarder (LAB_ORIGIN_SET=forwarded)", () => {
  let forwarder: Forwarder;
  let cloud: StackInfo;
  const caMount = () => ["--volume", `${forwarder.certificates}:/ca:ro`];

  beforeAll(async () => {
    forwarder = await startForwarder(info, PUBLISHED, { private: [] });
    cloud = forwardedStack(forwarder);
    await up(cloud, ["app", "proxy"]);
  });
  afterAll(async () => {
    await forwarder?.[Symbol.asyncDispose]();
  });

  it("serves each role's page as its public origin, though the forwarder rewrote Host", async () => {
    for (const [port, role] of [
      [3001, "loopback"],
      [8081, "api"],
    ] as const) {
      const page = await throughForwarder(forwarder, `${port}.${FORWARDED_DOMAIN}`, "/");
      expect(page.status, role).toBe(200);
      expect(page.body).toContain(`<code id="served-from">https://${port}.${FORWARDED_DOMAIN}</code>`);
      expect(page.body).toContain(`<option value="https://8080.${FORWARDED_DOMAIN}">`);
    }
  });

  it("passes the trusted forwarder's X-Forwarded-Host on to the app", async () => {
    const answer = await throughForwarder(forwarder, `8081.${FORWARDED_DOMAIN}`, "/headers");
    const seen = JSON.parse(answer.body) as Record<string, string>;
    expect(seen.host).toBe("localhost:8081");
    expect(seen["x-forwarded-host"]).toContain(`8081.${FORWARDED_DOMAIN}`);
    expect(seen["x-forwarded-proto"]).toContain("https");
  });

  it("scores the untouched lab exactly as on the default origins", async () => {
    const graded = await grade(cloud, ["--all"], caMount());
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    expect(await stepVerdicts(info)).toEqual(STARTER_VERDICTS);
  });

  // Each step's own solution is proven on the default origins (guide.test.ts); the final one, which
  // names its trusted origin by role, passes every step here at once.
  it("scores every step with the final reference solution", async () => {
    await withPolicyServed(cloud, FINAL, async (project) => {
      const graded = await grade(project, ["--all"], caMount());
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      expect(graded.stdout).toContain(`Score: ${steps.length} of ${steps.length} steps.`);
    });
  });

  describe("step 10's mistaken policies, each caught by exactly the pages it lets in", () => {
    const origins = readLabOrigins({ LAB_FORWARD_TEMPLATE: `https://{port}.${FORWARDED_DOMAIN}` });
    const { localhost, loopback, api, attacker, lookalike, sibling } = origins.byRole;
    it.each([
      [
        "reflect-any-origin",
        crossFrom([localhost, loopback, api, attacker, lookalike, sibling, "null"], origins.lab),
      ],
      // Behind a forwarder no page's name can contain another's: the sloppy match lets nobody in.
      ["sloppy-pattern", []],
    ])("%s", async (name, expected) => {
      await withPolicyServed(cloud, mistake(name), async (project) => {
        const graded = await grade(project, ["--step", "10"], caMount());
        expect(graded.code, graded.stdout + graded.stderr).toBe(expected.length === 0 ? 0 : 1);
        expect((await mismatches(info)).sort()).toEqual([...expected].sort());
      });
    });
  });

  it("leaves /healthz to the app: a hung app's proxied origins are not healthy (issue #19)", async () => {
    // Behind the forwarder, Host is localhost:PORT on every role: the proxy must pass /healthz on,
    // or a grader asking through the forwarder would take the proxy for the lab.
    await signalNode(cloud, "app", "STOP");
    try {
      const health = await throughForwarder(forwarder, `8081.${FORWARDED_DOMAIN}`, "/healthz");
      expect(health.status).toBe(504);
    } finally {
      await signalNode(cloud, "app", "CONT");
    }
    expect((await throughForwarder(forwarder, `8081.${FORWARDED_DOMAIN}`, "/healthz")).status).toBe(200);
  });
});

describe("behind a private port forwarder", () => {
  let forwarder: Forwarder;
  beforeAll(async () => {
    forwarder = await startForwarder(info, PUBLISHED, { private: "all" });
    await up(forwardedStack(forwarder), ["app", "proxy"]);
  });
  afterAll(async () => {
    await forwarder?.[Symbol.asyncDispose]();
  });

  it("reports every pair as the forwarder's sign-in, with the fix, and none as a CORS verdict", async () => {
    const graded = await grade(
      forwardedStack(forwarder),
      ["--step", "6"],
      ["--volume", `${forwarder.certificates}:/ca:ro`],
    );
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    expect(graded.stdout).toContain("16 answered by something other than the lab");
    const report = JSON.parse(await readReport(info)) as Report;
    expect(report.pairs).toHaveLength(16);
    for (const pair of report.pairs) {
      expect(pair.pass, `${pair.page} -> ${pair.target}`).toBe(false);
      expect(pair.got).toMatchObject({ result: "blocked", cause: "forwarder", status: 302 });
      expect(pair.hint).toContain("the port forwarder's sign-in, because the port is private");
      expect(pair.hint).toContain("gh codespace ports visibility 3000:public 3001:public 8080:public");
    }
  });
});

describe("behind a forwarder where some ports are private", () => {
  const PRIVATE = [3001, 8081];
  let forwarder: Forwarder;
  let cloud: StackInfo;
  const origins = readLabOrigins({ LAB_FORWARD_TEMPLATE: `https://{port}.${FORWARDED_DOMAIN}` });
  const isPrivate = (origin: string) =>
    PRIVATE.some((port) => origin === `https://${port}.${FORWARDED_DOMAIN}`);

  beforeAll(async () => {
    forwarder = await startForwarder(info, PUBLISHED, { private: PRIVATE });
    cloud = forwardedStack(forwarder);
    await up(cloud, ["app", "proxy"]);
  });
  afterAll(async () => {
    await forwarder?.[Symbol.asyncDispose]();
  });

  it("reports exactly the pairs a private port touches as the forwarder's, and the others as usual", async () => {
    const graded = await grade(cloud, [], ["--volume", `${forwarder.certificates}:/ca:ro`]);
    expect(graded.code, graded.stdout + graded.stderr).toBe(1);
    const report = JSON.parse(await readReport(info)) as Report;
    const touched = report.pairs.filter((pair) => isPrivate(pair.page) || isPrivate(pair.target));
    expect(touched).toHaveLength(12);
    for (const pair of touched)
      expect(pair.got, `${pair.page} -> ${pair.target}`).toMatchObject({ cause: "forwarder" });
    const untouched = report.pairs.filter((pair) => !touched.includes(pair));
    expect(untouched.map((pair) => [pair.page, pair.target, pair.got.result, pair.pass])).toEqual(
      [origins.byRole.localhost, origins.byRole.app].flatMap((page) =>
        [origins.byRole.localhost, origins.byRole.app].map((target) => [
          page,
          target,
          page === target ? "allowed" : "blocked",
          true,
        ]),
      ),
    );
  });

  it("has the page's console say the request never reached the lab, apart from a CORS block", async () => {
    /** What the console of the app role's page shows for a request to `target`. */
    const shown = async (target: string) => {
      return inBrowser(
        cloud,
        "console-outcome.ts",
        [],
        [
          "--volume",
          `${forwarder.certificates}:/ca:ro`,
          "--env",
          `PAGE=${origins.byRole.app}`,
          "--env",
          `TARGET=${target}`,
        ],
      );
    };
    const toPrivate = await shown(origins.byRole.api);
    expect(toPrivate.state).toBe("not-reached");
    expect(toPrivate.text).toContain("Your request never reached the lab, so this is not a CORS verdict");
    expect(toPrivate.failure).toContain(
      "that port is private, and the port forwarder answered with its sign-in",
    );
    const toPublic = await shown(origins.byRole.localhost);
    expect(toPublic.state).toBe("blocked");
    expect(toPublic.text).toContain("Blocked by the browser");
  });
});
