import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import { CONSOLE } from "../../shared/src/console-contract.ts";
import { type LabOrigins, PUBLIC_ROLE, roleOfHost } from "../../shared/src/lab-origins.ts";
import type { Logger } from "../../shared/src/log.ts";
import { logWhenAnswered } from "../../shared/src/plain-answer.ts";
import type { AppConfig } from "./config.ts";
import { corsMiddleware } from "./cors-policy.ts";
import { explainHandler } from "./explain.ts";
import { guideHandlers } from "./guide.ts";
import { inBrowserHandlers } from "./in-browser.ts";
import { ownApiHandlers } from "./own-api.ts";
import { PAGE_CSP, PUBLIC_CSP, renderHomePage, renderRequestLog, SANDBOXED_CSP, sendPage } from "./page.ts";
import { PolicyLink } from "./policy-link.ts";
import { RequestLog, recordRequests } from "./request-log.ts";
import { routeTable } from "./routes.ts";
import { specimenAnswer, specimenPreflight } from "./specimens.ts";
import { me, Sessions, sessionCookieAttributes, signIn, signOut } from "./victim.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** Mermaid's one-file build, a dependency of the app. */
const MERMAID = createRequire(import.meta.url).resolve("@mermaid-js/tiny");

function vendorScript(file: string): RequestHandler {
  return (_req, res) => {
    res.type("text/javascript").set("Cache-Control", "public, max-age=3600").sendFile(file);
  };
}

/** How long an API request waits for the policy sandbox when none is linked (the lab is starting, say). */
const POLICY_WAIT_MS = 5_000;

// Not worth a line in the request log: the log's own pages, health checks, the page's assets.
const UNLOGGED = new Set([
  "/healthz",
  "/requests",
  "/requests.json",
  "/policy.json",
  "/explain.json",
  "/console.js",
  "/check-in-browser.js",
  "/style.css",
  "/favicon.ico",
]);

/** Request headers as the app received them: original names, order kept, repeated names as arrays. */
export function receivedHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return headers;
}

/**
 * The origin a page is served from, as the browser sees it: the origin of the role its Host names
 * (behind a forwarder, the public address of the port the Host was rewritten to), or the Host as it
 * came for any other name.
 */
function servedFrom(origins: LabOrigins, req: Request): string {
  const role = roleOfHost(origins, req.headers.host);
  return role ? origins.byRole[role] : `${req.protocol}://${req.headers.host ?? "(no Host header)"}`;
}

/**
 * A script of the pages (the request console's, the in-browser check's), with the names it shares
 * with the grader written at its top (services/shared/src/console-contract.ts), read once.
 */
function contractScript(file: string): RequestHandler {
  const source = readFileSync(join(PUBLIC_DIR, file), "utf8");
  const script = `const CONSOLE = ${JSON.stringify(CONSOLE)};\n${source}`;
  return (_req, res) => {
    res.type("text/javascript").set("Cache-Control", "no-cache").send(script);
  };
}

function errorBoundary(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status =
      typeof error?.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500)
      log.error("request failed", { path: req.originalUrl, error: String(error?.stack ?? error) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res
      .status(status)
      .type("text/plain")
      .send(
        status === 500
          ? "Something went wrong in the lab app. Its log (docker compose logs app) has the details.\n"
          : `Bad request: ${error?.expose ? error.message : "the request could not be read"}.\n`,
      );
  };
}

export function createApp(config: AppConfig, log: Logger): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // every /headers answer must come from the server, never a 304 from a cache
  if (config.logRequests) {
    app.use((req, res, next) => {
      logWhenAnswered(log, req, res);
      next();
    });
  }
  const requests = new RequestLog(config.requestLogSize);
  app.use(recordRequests(requests, UNLOGGED));
  app.use((_req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    next();
  });
  // The student's policy file, run by the policy sandbox (issue #19), or the CORS_* variables while it
  // exports null (issue #3's workflow). It applies to the lab's API alone: the lab's own pages never
  // depend on it working (issue #15).
  const policyLink = new PolicyLink(
    { socket: config.policySocket, fallback: corsMiddleware(config.cors), waitMs: POLICY_WAIT_MS },
    log,
  );
  app.locals.policyLink = policyLink;
  app.locals.policyLinkListening = policyLink.listen().catch((error: NodeJS.ErrnoException) => {
    log.error("cannot listen for the policy sandbox; every API request will say so", {
      socket: config.policySocket,
      error: error.code ?? error.message,
    });
  });
  const policy = policyLink.middleware();

  // Each answer carries a header no page may read cross-origin until the policy exposes it (step 9).
  let requestId = 0;
  const numbered: RequestHandler = (_req, res, next) => {
    requestId += 1;
    res.set("X-Request-Id", String(requestId)).set("Cache-Control", "no-store");
    next();
  };
  const sessions = new Sessions();
  const roleOf = (req: Request) => roleOfHost(config.origins, req.headers.host);
  // Behind a cloud workspace's forwarder every origin is a public address already: the directive
  // would add nothing there (issue #23).
  const isPublicPage = (req: Request) => config.origins.set !== "forwarded" && roleOf(req) === PUBLIC_ROLE;
  const homePage =
    (sandboxed: boolean): RequestHandler =>
    (req, res) => {
      const page = renderHomePage({
        servedFrom: servedFrom(config.origins, req),
        origins: config.origins,
        sandboxed,
        public: !sandboxed && isPublicPage(req),
        signedIn: sessions.secretOf(req) !== undefined,
        justSignedIn: req.query["signed-in"] !== undefined,
        cookieAttributes: sessionCookieAttributes(roleOf(req)),
      });
      const csp = sandboxed ? SANDBOXED_CSP : isPublicPage(req) ? PUBLIC_CSP : PAGE_CSP;
      sendPage(res, page, csp);
    };
  const guide = guideHandlers(
    {
      labDir: config.labDir,
      origins: config.origins,
      graderPort: config.graderPort,
      servedFrom: (req) => servedFrom(config.origins, req),
    },
    log,
  );

  const inBrowser = inBrowserHandlers({
    labDir: config.labDir,
    origins: config.origins,
    requests,
    servedFrom: (req) => servedFrom(config.origins, req),
  });
  const ownApi = ownApiHandlers({
    graderPort: config.graderPort,
    servedFrom: (req) => servedFrom(config.origins, req),
    send: (res, status, html) => {
      res.status(status);
      sendPage(res, html);
    },
  });
  const routes = routeTable([
    { path: "/", methods: { GET: homePage(false) } },
    // The request console with an opaque origin: every request it makes says `Origin: null` (step 10).
    { path: "/sandboxed", methods: { GET: homePage(true) } },
    {
      path: "/headers",
      before: [policy],
      methods: {
        GET: [numbered, (req, res) => void res.json(receivedHeaders(req.rawHeaders))],
        // The preflighted request of the guide (step 7): a JSON body, answered with what arrived.
        PUT: [
          numbered,
          express.json({ limit: "16kb" }),
          (req, res) => void res.json({ headers: receivedHeaders(req.rawHeaders), body: req.body ?? null }),
        ],
      },
    },
    // One rule of the CORS protocol each, outside the student's policy (issue #20).
    {
      path: "/specimen/:name",
      before: [specimenPreflight],
      methods: { GET: specimenAnswer(receivedHeaders), PUT: specimenAnswer(receivedHeaders) },
    },
    // The victim's private data, under the same policy as /headers (issue #12).
    { path: "/me", before: [policy], methods: { GET: me(sessions) } },
    { path: "/sign-in", methods: { POST: signIn(sessions, roleOf) } },
    { path: "/sign-out", methods: { POST: signOut(sessions, roleOf) } },
    { path: "/healthz", methods: { GET: (_req, res) => void res.type("text/plain").send("ok\n") } },
    // Why the browser blocked one of the console's requests, from the app's record of it (issue #12).
    { path: "/explain.json", methods: { GET: explainHandler(requests) } },
    {
      path: "/policy.json",
      methods: { GET: (_req, res) => void res.set("Cache-Control", "no-store").json(policyLink.status()) },
    },
    {
      path: "/requests",
      methods: {
        GET: (_req, res) =>
          sendPage(res, renderRequestLog(requests.entries(), requests.capacity, policyLink.status())),
      },
    },
    {
      path: "/requests.json",
      methods: {
        GET: (_req, res) =>
          void res
            .set("Cache-Control", "no-store")
            .json({ capacity: requests.capacity, entries: requests.entries() }),
        DELETE: (_req, res) => {
          requests.clear();
          res.status(204).end();
        },
      },
    },
    { path: "/lab", methods: { GET: guide.index } },
    // Before /lab/:step, which would take "own-api" for a step (issue #25).
    { path: "/lab/own-api", methods: { GET: ownApi.page, POST: ownApi.check } },
    { path: "/lab/:step", methods: { GET: guide.step } },
    // "Check in this browser" (issue #24): the step's plan, and its outcomes judged.
    { path: "/lab/:step/plan.json", methods: { GET: inBrowser.plan } },
    { path: "/lab/:step/in-browser", methods: { POST: inBrowser.judge } },
    // The Check button (issue #11): same-origin only, answered with the step's page and its result.
    { path: "/lab/:step/check", methods: { POST: guide.check } },
    { path: "/lab/files/:folder/:file", methods: { GET: guide.file } },
    // The diagrams' library, served by the app itself: no CDN, within the pages' CSP (issue #12).
    { path: "/vendor/mermaid.js", methods: { GET: vendorScript(MERMAID) } },
  ]);
  app.use(routes.router);
  app.get("/console.js", contractScript("console.js"));
  app.get("/check-in-browser.js", contractScript("check-in-browser.js"));
  app.use(express.static(PUBLIC_DIR, { index: false, dotfiles: "deny" }));
  app.use(...routes.notFound);
  app.use(errorBoundary(log));
  return app;
}
