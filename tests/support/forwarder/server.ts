// A test double of a cloud workspace's port forwarder, after GitHub Codespaces as documented and
// reported (sources in the README's "Cloud dev environments" section and the issue note):
// - each forwarded port has a host name of its own, https only: `{port}.{FORWARDER_DOMAIN}`;
// - the request goes on to what the workspace published on that port, with Host rewritten to
//   `localhost:PORT` (inovex/scrumlr.io#5849, microsoft/vscode-livepreview#554), X-Forwarded-Host
//   the public name and X-Forwarded-Proto https (MicrosoftDocs/vscodespaces#707,
//   microsoft/dev-tunnels#507), and an Origin that is the port's own public origin rewritten to
//   http://localhost:PORT (symfony/demo#1542); other origins pass unchanged;
// - a private port (FORWARDER_PRIVATE: a list of ports, or "all") answers a request without the sign-in cookie with a
//   302 to a sign-in page (microsoft/vscode#130921), and a preflight, which carries no cookie, with
//   401 (github/feedback#3637); the sign-in page itself is at `signin.{FORWARDER_DOMAIN}`.
// Runs in a container of the lab's image on the test's Compose network; node: modules only.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

const domain = process.env.FORWARDER_DOMAIN ?? "forwarded.test";
const privatePorts = process.env.FORWARDER_PRIVATE ?? "";
const isPrivate = (port: number) => privatePorts === "all" || privatePorts.split(",").includes(String(port));
/** `port=host:port` pairs: what the workspace publishes on each port. */
const published = new Map(
  (process.env.FORWARDER_PORTS ?? "").split(",").map((entry) => {
    const [port = "", target = ""] = entry.split("=");
    return [Number(port), target] as const;
  }),
);
const COOKIE = "forwarder-signed-in=yes";

const server = https.createServer(
  { key: readFileSync("/certs/forwarder.key"), cert: readFileSync("/certs/forwarder.chain.pem") },
  (req, res) => {
    const host = (req.headers.host ?? "").toLowerCase().replace(/:443$/, "");
    if (host === `signin.${domain}`) {
      res.writeHead(200, { "content-type": "text/html", "set-cookie": `${COOKIE}; Secure; SameSite=Lax` });
      res.end("<!doctype html><title>Sign in</title><h1>Sign in to see this forwarded port</h1>");
      return;
    }
    const port = Number(new RegExp(`^(\\d+)\\.${domain.replace(/\./g, "\\.")}$`).exec(host)?.[1]);
    const target = published.get(port);
    if (target === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`No forwarded port at ${host}\n`);
      return;
    }
    if (isPrivate(port) && !(req.headers.cookie ?? "").includes(COOKIE)) {
      if (req.method === "OPTIONS") {
        res.writeHead(401).end();
      } else {
        const back = encodeURIComponent(`https://${host}${req.url}`);
        res.writeHead(302, { location: `https://signin.${domain}/pf-signin?port=${port}&rd=${back}` }).end();
      }
      return;
    }
    const [targetHost = "", targetPort = "80"] = target.split(":");
    const publicOrigin = `https://${host}`;
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: `localhost:${port}` };
    if (headers.origin === publicOrigin) headers.origin = `http://localhost:${port}`;
    headers["x-forwarded-host"] = host;
    headers["x-forwarded-proto"] = "https";
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    const upstream = http.request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("The forwarded port is not answering\n");
    });
    req.pipe(upstream);
  },
);
server.listen(443, () =>
  process.stdout.write(`forwarder listening, private ports: ${privatePorts || "none"}\n`),
);
process.on("SIGTERM", () => process.exit(0));
