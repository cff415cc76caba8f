import http from "node:http";
import { createProxyServer } from "http-proxy-3";
import { createHttpServer } from "../../shared/src/http-server.ts";
import type { Logger } from "../../shared/src/log.ts";
import { logWhenAnswered, sendText } from "../../shared/src/plain-answer.ts";
import { countBody } from "./body-limit.ts";
import type { ProxyConfig } from "./config.ts";
import { asHeaderObject, flat, passedOn, REMOVED_FROM_RESPONSES, rawLines } from "./headers.ts";
import { type Exchange, runPasses, tooLarge } from "./passes.ts";

class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

const IDLE_UPSTREAM_MS = 4_000;

export function createProxy(config: ProxyConfig, log: Logger): http.Server {
  const proxy = createProxyServer({
    // Reusing upstream connections keeps the proxy's overhead per request small. An idle connection
    // is dropped before the app would close it (Node honours the app's `Keep-Alive: timeout` hint only
    // when the agent has a timeout of its own): reusing one the app is closing would be a 502.
    agent: new http.Agent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
    // The answer's lines are written here, as the app wrote them (issue #22), not by http-proxy's
    // outgoing passes, which would join repeated lines and lower-case every name.
    selfHandleResponse: true,
  });
  // The request's lines are the passes' (passes.ts: the forwarding lines included), handed to http-proxy
  // as its options' headers. Its own deleteLength pass gives a DELETE or an OPTIONS with no body a
  // `Content-Length: 0` the browser never sent: taken away again before the request goes.
  proxy.before("web", "stream", (req: http.IncomingMessage) => {
    delete req.headers["content-length"];
  });
  /** Each request's request to the app, while it is under way: cut off when its body grows too large. */
  const upstream = new WeakMap<http.IncomingMessage, http.ClientRequest>();
  proxy.on("proxyReq", (proxyReq, req) => {
    upstream.set(req, proxyReq);
    proxyReq.setTimeout(config.upstreamTimeoutMs, () =>
      proxyReq.destroy(new UpstreamTimeoutError(config.upstreamTimeoutMs)),
    );
  });
  proxy.on("proxyRes", (proxyRes, _req, res) => {
    // An upstream that dies half-way through its answer must not leave the client waiting for the rest.
    proxyRes.on("close", () => {
      if (!proxyRes.complete) res.destroy();
    });
    if (res.headersSent || res.writableEnded) {
      proxyRes.resume();
      return;
    }
    // The app's answer carries the lab's Server line itself; every line goes on as it came, but the
    // hop-by-hop ones, which were the app's to this proxy (Node writes its own to the client).
    res.removeHeader("server");
    const lines = passedOn(rawLines(proxyRes.rawHeaders), REMOVED_FROM_RESPONSES);
    res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, flat(lines));
    proxyRes.pipe(res);
  });
  // Without a listener an error emitted here would crash the process; every error is answered below.
  proxy.on("error", (error) => log.error("proxy error", { error: error.message }));

  return createHttpServer(config.http, log, (req, res) => {
    const exchange: Exchange = { req };
    let forwarded = false;
    // The app logs every request it serves; the proxy, unless asked for more, only what it answered
    // itself or could not pass on.
    logWhenAnswered(log, req, res, {
      when: () => config.logAllRequests || !forwarded || res.statusCode >= 500,
      extra: () => ({ upstream: forwarded ? exchange.target?.origin : undefined }),
    });
    const answer = runPasses(exchange, config);
    if (answer !== undefined) return sendText(res, answer.status, answer.message, answer.headers);

    const { host, target } = exchange as Required<Exchange>;
    forwarded = true;
    let cutOff = false;
    countBody(req, config.maxBodyBytes, () => {
      cutOff = true;
      upstream.get(req)?.destroy();
      const refusal = tooLarge(config);
      sendText(res, refusal.status, refusal.message, refusal.headers);
    });
    // http-proxy copies the request's headers object and the options' headers: the request's lines,
    // worked out by the passes, go as the options' alone (names as written, each repeated line kept).
    const received = req.headers;
    req.headers = {};
    try {
      proxy.web(req, res, { target, headers: asHeaderObject(exchange.lines ?? []) }, callback);
    } finally {
      req.headers = received;
    }
    function callback(error: Error) {
      // The body was cut off here, on purpose: the client has its 413 already.
      if (cutOff) return;
      if (error instanceof UpstreamTimeoutError) {
        sendText(res, 504, `Gateway timeout: the app behind ${host} sent ${error.message}.`);
        return;
      }
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      log.error("upstream unreachable", { host, upstream: target.origin, error: code });
      sendText(
        res,
        502,
        `Bad gateway: the app behind ${host} cannot be reached (${code}). Is it running? See: docker compose ps`,
      );
    }
  });
}
