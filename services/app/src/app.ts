import { fileURLToPath } from "node:url";
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import { malformed } from "../../shared/src/http-server.ts";
import type { Logger } from "../../shared/src/log.ts";
import type { AppConfig } from "./config.ts";
import { corsMiddleware } from "./cors-policy.ts";
import { guideRoutes } from "./guide.ts";
import { PAGE_CSP, renderHomePage, renderRequestLog, SANDBOXED_CSP } from "./page.ts";
import { loadPolicyFile } from "./policy-loader.ts";
import { RequestLog, recordRequests } from "./request-log.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** What each path answers to; anything else is a 404, a known path with another method a 405. */
const ROUTES: Readonly<Record<string, readonly string[]>> = {
  "/": ["GET", "HEAD"],
  "/sandboxed": ["GET", "HEAD"],
  "/headers": ["GET", "HEAD", "PUT"],
  "/healthz": ["GET", "HEAD"],
  "/requests": ["GET", "HEAD"],
  "/requests.json": ["GET", "HEAD", "DELETE"],
  "/lab": ["GET", "HEAD"],
};

// Not worth a line in the request log: the log's own pages, health checks, the page's assets.
const UNLOGGED = new Set([
  "/healthz",
  "/requests",
  "/requests.json",
  "/console.js",
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

/** A page of the app: always fresh, and under a Content-Security-Policy. */
function sendPage(res: Response, html: string, csp = PAGE_CSP): void {
  res.set("Content-Security-Policy", csp).set("Cache-Control", "no-store").type("html").send(html);
}

function servedFrom(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? "(no Host header)"}`;
}

function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const fields = () => ({
      host: req.headers.host,
      origin: req.headers.origin,
      path: req.originalUrl,
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
    });
    res.on("finish", () => log.info(req.method, fields()));
    res.on("close", () => {
      if (!res.writableFinished) log.info(`${req.method} (client went away)`, fields());
    });
    next();
  };
}

const rejectMalformed: RequestHandler = (req, res, next) => {
  const problem = malformed(req);
  if (problem === undefined) return next();
  res.status(problem.status).set("Connection", "close").type("text/plain").send(`${problem.message}\n`);
};

function allowedMethods(path: string): readonly string[] | undefined {
  return ROUTES[path] ?? (/^\/lab(\/\d+)?\/?$/.test(path) ? ["GET", "HEAD"] : undefined);
}

const notFoundOrNotAllowed: RequestHandler = (req, res) => {
  const allowed = allowedMethods(req.path);
  res.type("text/plain");
  // An unread body has no use here: close afterwards rather than read it all to reuse the connection.
  if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
    res.set("Connection", "close");
  }
  if (req.method === "OPTIONS" && req.url === "*") {
    res.set("Allow", "GET, HEAD, OPTIONS").status(204).end(); // RFC 9110 §9.3.7: the server as a whole
  } else if (allowed === undefined) {
    res.status(404).send(`Not found: ${req.path}. This lab app serves ${Object.keys(ROUTES).join(", ")}.\n`);
  } else if (req.method === "OPTIONS") {
    // With the CORS policy off, a preflight gets a plain answer with no Access-Control-* headers.
    res
      .set("Allow", [...allowed, "OPTIONS"].join(", "))
      .status(204)
      .end();
  } else {
    res
      .set("Allow", allowed.join(", "))
      .status(405)
      .send(`${req.method} is not allowed on ${req.path}; it answers ${allowed.join(", ")}.\n`);
  }
};

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
  if (config.logRequests) app.use(requestLog(log));
  app.use(rejectMalformed);
  const requests = new RequestLog(config.requestLogSize);
  app.use(recordRequests(requests, UNLOGGED));
  app.use((_req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    next();
  });
  // The student's policy file, or the CORS_* variables while it exports null (issue #3's workflow).
  app.use(loadPolicyFile(config.policyFile, corsMiddleware(config.cors), log, config.watchPolicy));

  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok\n");
  });
  // Each answer carries a header no page may read cross-origin until the policy exposes it (step 9).
  let requestId = 0;
  app.use("/headers", (_req, res, next) => {
    requestId += 1;
    res.set("X-Request-Id", String(requestId));
    next();
  });
  app.get("/headers", (req, res) => {
    res.set("Cache-Control", "no-store").json(receivedHeaders(req.rawHeaders));
  });
  // The preflighted request of the guide (step 7): a JSON body, answered with what arrived.
  app.put("/headers", express.json({ limit: "16kb" }), (req, res) => {
    res
      .set("Cache-Control", "no-store")
      .json({ headers: receivedHeaders(req.rawHeaders), body: req.body ?? null });
  });
  app.get("/requests", (_req, res) => {
    sendPage(res, renderRequestLog(requests.entries(), requests.capacity));
  });
  app.get("/requests.json", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ capacity: requests.capacity, entries: requests.entries() });
  });
  app.delete("/requests.json", (_req, res) => {
    requests.clear();
    res.status(204).end();
  });
  app.use(guideRoutes(config.labDir, log));
  const homePage =
    (sandboxed: boolean): RequestHandler =>
    (req, res) => {
      const page = renderHomePage({ servedFrom: servedFrom(req), labOrigins: config.labOrigins, sandboxed });
      sendPage(res, page, sandboxed ? SANDBOXED_CSP : PAGE_CSP);
    };
  app.get("/", homePage(false));
  // The request console with an opaque origin: every request it makes says `Origin: null` (step 10).
  app.get("/sandboxed", homePage(true));
  app.use(express.static(PUBLIC_DIR, { index: false, dotfiles: "deny" }));
  app.use(notFoundOrNotAllowed);
  app.use(errorBoundary(log));
  return app;
}
