import http from "node:http";
import { createProxyServer } from "http-proxy-3";
import { createHttpServer, malformed } from "../../shared/src/http-server.ts";
import type { Logger } from "../../shared/src/log.ts";
import type { ProxyConfig } from "./config.ts";
import { stripHopByHop } from "./hop-by-hop.ts";
import { hostName, isLoopbackName } from "./host.ts";

class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

const IDLE_UPSTREAM_MS = 4_000;

// This proxy is the edge: forwarding headers a client sent itself would let it pose as anyone.
const CLIENT_FORWARDING_HEADERS = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
];

function sendText(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: http.OutgoingHttpHeaders = {},
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(`${text}\n`);
}

/**
 * RFC 9112 §3.2.2: a request in absolute form (`GET http://app.local:8080/x`) names its host in the
 * target, and the Host header must then be ignored. Rewrites such a request to origin form.
 * Returns false when the target is neither form.
 */
function toOriginForm(req: http.IncomingMessage): boolean {
  const target = req.url ?? "";
  if (target.startsWith("/")) return true;
  if (!/^https?:\/\//i.test(target)) return false;
  try {
    const url = new URL(target);
    req.headers.host = url.host;
    req.url = `${url.pathname}${url.search}`;
    return true;
  } catch {
    return false;
  }
}

export function createProxy(config: ProxyConfig, log: Logger): http.Server {
  const served = [...config.routes.keys()].join(", ");
  const proxy = createProxyServer({
    xfwd: true,
    // Reusing upstream connections keeps the proxy's overhead per request small. An idle connection
    // is dropped before the app would close it (Node honours the app's `Keep-Alive: timeout` hint only
    // when the agent has a timeout of its own): reusing one the app is closing would be a 502.
    agent: new http.Agent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
  });
  proxy.on("proxyReq", (proxyReq) => {
    proxyReq.setTimeout(config.upstreamTimeoutMs, () =>
      proxyReq.destroy(new UpstreamTimeoutError(config.upstreamTimeoutMs)),
    );
  });
  // An upstream that dies half-way through its answer must not leave the client waiting for the rest.
  proxy.on("proxyRes", (proxyRes, _req, res) => {
    // The app's Connection and Keep-Alive were meant for the proxy; the client's connection is ours.
    stripHopByHop(proxyRes.headers);
    proxyRes.on("close", () => {
      if (!proxyRes.complete) res.destroy();
    });
  });
  // Without a listener an error emitted here would crash the process; every error is answered below.
  proxy.on("error", (error) => log.error("proxy error", { error: error.message }));

  return createHttpServer(config.http, (req, res) => {
    const started = performance.now();
    let upstream: string | undefined;
    res.on("finish", () => {
      if (!config.logAllRequests && upstream !== undefined && res.statusCode < 500) return;
      log.info(req.method ?? "?", {
        host: req.headers.host,
        origin: req.headers.origin,
        path: req.url,
        upstream,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });

    const problem = malformed(req);
    if (problem !== undefined) return sendText(res, problem.status, problem.message, { connection: "close" });
    if (req.method === "OPTIONS" && req.url === "*") {
      return res.writeHead(204, { allow: "GET, HEAD, OPTIONS" }).end(); // RFC 9110 §9.3.7
    }
    if (!toOriginForm(req)) {
      return sendText(res, 400, "Bad request: the request target must be a path such as /headers.", {
        connection: "close",
      });
    }
    const host = hostName(req.headers.host);
    const target = host === undefined ? undefined : config.routes.get(host);
    if (target === undefined) {
      if (host !== undefined && isLoopbackName(host) && req.url === "/healthz") {
        sendText(res, 200, "ok");
      } else if (host === undefined) {
        sendText(res, 400, `Bad request: a valid Host header is required. This proxy serves ${served}.`);
      } else {
        // 421 Misdirected Request (RFC 9110 §15.5.20): this server does not answer for that host.
        sendText(res, 421, `This proxy does not serve "${host}". It serves ${served}.`);
      }
      return;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > config.maxBodyBytes) {
      return sendText(
        res,
        413,
        `Content too large: the lab accepts bodies of up to ${config.maxBodyBytes} bytes.`,
        {
          connection: "close",
        },
      );
    }

    upstream = target.origin;
    stripHopByHop(req.headers);
    for (const name of CLIENT_FORWARDING_HEADERS) delete req.headers[name];
    // Node has already answered `Expect: 100-continue`; passing it on would skip the proxyReq event.
    delete req.headers.expect;
    proxy.web(req, res, { target }, (error) => {
      if (error instanceof UpstreamTimeoutError) {
        sendText(res, 504, `Gateway timeout: the app behind ${host} sent ${error.message}.`);
      } else {
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        log.error("upstream unreachable", { host, upstream: target.origin, error: code });
        sendText(
          res,
          502,
          `Bad gateway: the app behind ${host} cannot be reached (${code}). Is it running? See: docker compose ps`,
        );
      }
    });
  });
}
