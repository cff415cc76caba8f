// BrowserProbe's handling of an engine's contexts (issue #21): a run's pages share one context per
// set of sign-ins, and a browser call that never returns ends by its limit and marks the browser
// for a restart. The engine here is a stand-in: a real browser cannot be made to hang on demand.
// The lab the probe asks for evidence is a real HTTP server on loopback.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserProbe } from "../../../services/grader/src/browser-probe.ts";
import type { Engine, EngineContext, EngineTab } from "../../../services/grader/src/engines/engine.ts";
import { CONSOLE_NOT_LIVE, useRequestConsole } from "../../../services/grader/src/in-page/use-console.ts";
import { LabClient } from "../../../services/grader/src/lab-client.ts";
import { CONSOLE } from "../../../services/shared/src/console-contract.ts";
import { LAB_SERVER } from "../../../services/shared/src/http-server.ts";

const TIMEOUT_MS = 50;
const SETTINGS = { thirdPartyCookies: "shipped", localNetwork: "denied" } as const;
const ALLOWED = { use: { kind: "simple", path: "/headers", signedInAt: [] } } as const;

let lab: Server;
let origin: string;

beforeAll(async () => {
  // Answers as the lab does, so a page the engine could not open is the browser's miss, not evidence.
  lab = createServer((_req, res) => res.writeHead(200, { Server: LAB_SERVER }).end("ok"));
  lab.listen(0, "127.0.0.1");
  await once(lab, "listening");
  origin = `http://127.0.0.1:${(lab.address() as AddressInfo).port}`;
});

afterAll(async () => {
  lab.close();
  await once(lab, "close");
});

/** A tab whose console reports every request allowed. */
function allowingTab(): EngineTab {
  return {
    evaluate: async () =>
      ({ run: 1, state: CONSOLE.states.allowed, status: 200, requestId: "r", mark: "p.1" }) as never,
    click: async () => {},
    blockReason: async () => undefined,
    close: async () => {},
  };
}

/** An engine whose contexts come as `makeContext` says; what was asked of it. */
function engine(makeContext: (signedInAt: readonly string[]) => Promise<EngineContext>) {
  const asked = { contexts: [] as string[], opened: [] as string[], closed: 0 };
  const stand: Engine = {
    name: "firefox",
    version: "0",
    connected: true,
    context: ({ signedInAt }) => {
      asked.contexts.push(signedInAt.join(" "));
      return makeContext(signedInAt);
    },
    close: async () => {},
  };
  const working = async (): Promise<EngineContext> => ({
    open: async (pageUrl) => {
      asked.opened.push(pageUrl);
      return { tab: allowingTab() };
    },
    close: async () => {
      asked.closed += 1;
    },
  });
  return { stand, asked, working };
}

const probeOf = (stand: Engine) =>
  new BrowserProbe(stand, {
    timeoutMs: TIMEOUT_MS,
    client: new LabClient({ hostResolverRules: "", trustedCertificates: undefined, timeoutMs: 1000 }),
  });

describe("BrowserProbe's pages kept open for a run", () => {
  it("opens every page of one set of sign-ins in one context, each set in its own, and closes each once", async () => {
    const { stand, asked, working } = engine(() => working());
    const probe = probeOf(stand);
    const pages = probe.keepPagesOpen(SETTINGS);
    const signedIn = { ...ALLOWED.use, signedInAt: [origin] };
    const outcomes = await Promise.all([
      pages.probeFrom(`${origin}/a`, [origin], ALLOWED.use),
      pages.probeFrom(`${origin}/b`, [origin], ALLOWED.use),
      pages.probeFrom(`${origin}/c`, [origin], signedIn),
      pages.probeFrom(`${origin}/d`, [origin], signedIn),
    ]);
    for (const outcome of outcomes) expect(outcome.get(origin)).toMatchObject({ result: "allowed" });
    expect(asked.contexts.sort()).toEqual(["", origin]);
    expect(asked.opened.sort()).toEqual(["a", "b", "c", "d"].map((page) => `${origin}/${page}`));
    await pages.close();
    expect(asked.closed).toBe(2);
    expect(probe.usable).toBe(true);
  });

  it("ends a context that never comes by its limit, names it for every pair, tries once more, and asks for a new browser", async () => {
    const { stand, asked } = engine(() => new Promise(() => {}));
    const probe = probeOf(stand);
    const pages = probe.keepPagesOpen(SETTINGS);
    const outcome = (await pages.probeFrom(`${origin}/`, [origin], ALLOWED.use)).get(origin);
    expect(outcome).toMatchObject({ result: "blocked", cause: "other" });
    expect(outcome && "reason" in outcome ? outcome.reason : "").toMatch(
      /did not open: a browser context did not finish within 100 ms/,
    );
    expect(asked.contexts).toHaveLength(2);
    expect(probe.connected).toBe(true);
    expect(probe.usable).toBe(false);
    await pages.close();
  });

  it("asks for a new browser when a page of a working context never loads", async () => {
    const { stand, asked } = engine(async () => ({
      open: () => new Promise(() => {}),
      close: async () => {
        asked.closed += 1;
      },
    }));
    const probe = probeOf(stand);
    const pages = probe.keepPagesOpen(SETTINGS);
    const outcome = (await pages.probeFrom(`${origin}/`, [origin], ALLOWED.use)).get(origin);
    expect(outcome).toMatchObject({ result: "blocked", cause: "other" });
    // The page's second try is in a new context; both are closed with the run.
    expect(asked.contexts).toHaveLength(2);
    expect(probe.usable).toBe(false);
    await pages.close();
    expect(asked.closed).toBe(2);
  });

  it("opens a page again in a new context when the run's context stopped opening pages, and the pages after it there too", async () => {
    let made = 0;
    const { stand, asked, working } = engine(async () => {
      made += 1;
      if (made > 1) return working();
      // As the WebKit window that opens the run's pages, once it stopped answering after one.
      let opened = 0;
      return {
        open: async (pageUrl) => {
          opened += 1;
          if (opened > 1) throw new Error("Runtime.evaluate got no answer within 50 ms");
          asked.opened.push(pageUrl);
          return { tab: allowingTab() };
        },
        close: async () => {
          asked.closed += 1;
        },
      };
    });
    const probe = probeOf(stand);
    const pages = probe.keepPagesOpen(SETTINGS);
    for (const page of ["a", "b", "c"]) {
      const outcome = await pages.probeFrom(`${origin}/${page}`, [origin], ALLOWED.use);
      expect(outcome.get(origin), page).toMatchObject({ result: "allowed" });
    }
    expect(asked.opened).toEqual(["a", "b", "c"].map((page) => `${origin}/${page}`));
    expect(asked.contexts).toHaveLength(2);
    expect(probe.usable).toBe(true);
    await pages.close();
    expect(asked.closed).toBe(2);
  });
});

describe("BrowserProbe's page in a context of its own", () => {
  it("is opened once more when the browser could not open it, and its closing closes its context", async () => {
    let tries = 0;
    const { stand, asked, working } = engine(() => {
      tries += 1;
      return tries === 1 ? Promise.reject(new Error("listed no page")) : working();
    });
    const opened = await probeOf(stand).openPage(`${origin}/`, { ...SETTINGS, signedInAt: [] });
    expect(asked.contexts).toHaveLength(2);
    expect(asked.opened).toEqual([`${origin}/`]);
    await opened.tab.close();
    expect(asked.closed).toBe(1);
  });

  it("fails with the browser's words when the second try fails too", async () => {
    const { stand, asked } = engine(() => Promise.reject(new Error("listed no page")));
    await expect(probeOf(stand).openPage(`${origin}/`, { ...SETTINGS, signedInAt: [] })).rejects.toThrow(
      "listed no page",
    );
    expect(asked.contexts).toHaveLength(2);
  });
});

describe("BrowserProbe's page whose console never comes alive", () => {
  it("is opened again in a new tab of its context, which answers, and that tab serves the run's next check", async () => {
    const opened: string[] = [];
    const { stand, asked } = engine(async () => ({
      open: async (pageUrl) => {
        opened.push(pageUrl);
        if (opened.length > 1) return { tab: allowingTab() };
        // As a page whose script never ran: the console's own words, from the page.
        const dead: EngineTab = {
          ...allowingTab(),
          evaluate: async () => {
            throw new Error(`Error: ${CONSOLE_NOT_LIVE} within 50 ms`);
          },
        };
        return { tab: dead };
      },
      close: async () => {
        asked.closed += 1;
      },
    }));
    const pages = probeOf(stand).keepPagesOpen(SETTINGS);
    const first = await pages.probeFrom(`${origin}/`, [origin], ALLOWED.use);
    expect(first.get(origin)).toMatchObject({ result: "allowed" });
    const next = await pages.probeFrom(`${origin}/`, [origin], ALLOWED.use);
    expect(next.get(origin)).toMatchObject({ result: "allowed" });
    expect(opened).toEqual([`${origin}/`, `${origin}/`]);
    expect(asked.contexts).toHaveLength(1);
    await pages.close();
  });

  it("is named by the words the page itself uses", () => {
    expect(useRequestConsole.toString()).toContain(CONSOLE_NOT_LIVE);
  });
});
