import http from "node:http";
import { createProxyServer } from "http-proxy-3";
import type { Logger } from "../../shared/src/log.ts";
import type { ProxyConfig } from "./config.ts";
import { hostName, isLoopbackName } from "./host.ts";

class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

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

export function createProxy(config: ProxyConfig, log: Logger): http.Server {
  const served = [...config.routes.keys()].join(", ");
  const proxy = createProxyServer({
    xfwd: true,
    // Reusing upstream connections keeps the proxy's overhead per request small.
    agent: new http.Agent({ keepAlive: true }),
  });
  proxy.on("proxyReq", (proxyReq) => {
    proxyReq.setTimeout(config.upstreamTimeoutMs, () =>
      proxyReq.destroy(new UpstreamTimeoutError(config.upstreamTimeoutMs)),
    );
  });
  // An upstream that dies half-way through its answer must not leave the client waiting for the rest.
  proxy.on("proxyRes", (proxyRes, _req, res) => {
    proxyRes.on("close", () => {
      if (!proxyRes.complete) res.destroy();
    });
  });
  // Without a listener an error emitted here would crash the process; every error is answered below.
  proxy.on("error", (error) => log.error("proxy error", { error: error.message }));

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const host = hostName(req.headers.host);
    const target = host === undefined ? undefined : config.routes.get(host);
    res.on("finish", () =>
      log.info(req.method ?? "?", {
        host: req.headers.host,
        origin: req.headers.origin,
        path: req.url,
        upstream: target?.origin,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );

    if (target === undefined) {
      if (host !== undefined && isLoopbackName(host) && req.url === "/healthz") {
        sendText(res, 200, "ok");
      } else if (req.headers.host === undefined || host === undefined) {
        sendText(res, 400, `Bad request: a valid Host header is required. This proxy serves ${served}.`);
      } else {
        // 421 Misdirected Request (RFC 9110 §15.5.20): this server does not answer for that host.
        sendText(res, 421, `This proxy does not serve "${host}". It serves ${served}.`);
      }
      return;
    }

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
  return server;
}
