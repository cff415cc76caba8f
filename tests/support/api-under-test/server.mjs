// A student's API with the CORS setups people get wrong (issue #25), one per path, on port 5000.
// Run by the tests in a container of their own on the stack's network.
import http from "node:http";

const FRONT_END = "http://localhost:5173";

const setups = {
  // No CORS at all.
  "/none": () => ({}),
  // One trusted front end, and a preflight that allows its PUT with JSON.
  "/one": () => ({
    "Access-Control-Allow-Origin": FRONT_END,
    "Access-Control-Allow-Methods": "GET, PUT",
    "Access-Control-Allow-Headers": "Content-Type",
    Vary: "Origin",
  }),
  // Whatever origin asks, with credentials.
  "/reflect": (req) => ({
    "Access-Control-Allow-Origin": req.headers.origin ?? "*",
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Methods": req.headers["access-control-request-method"] ?? "GET",
    "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "",
    Vary: "Origin",
  }),
  // * with credentials, which browsers refuse.
  "/star-credentials": () => ({
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Credentials": "true",
  }),
  // A preflight that allows PUT but not the X-Token header the front end sends.
  "/preflight-missing-header": () => ({
    "Access-Control-Allow-Origin": FRONT_END,
    "Access-Control-Allow-Methods": "GET, PUT",
    "Access-Control-Allow-Headers": "Content-Type",
  }),
};

/**
 * One path, a setup per page origin (by its port): one run of the grader with several --from
 * origins tries them all (the engines test, where each run starts three browsers). Each page is
 * then the setup's trusted front end.
 */
const BY_ORIGIN = {
  5101: "/none",
  5102: "/one",
  5103: "/reflect",
  5104: "/star-credentials",
  5105: "/preflight-missing-header",
  5106: "/redirect",
  5107: "/hang",
};

const server = http.createServer((req, res) => {
  let path = new URL(req.url ?? "/", "http://x").pathname;
  const byOrigin = path === "/by-origin";
  if (byOrigin) path = BY_ORIGIN[new URL(req.headers.origin ?? "http://x:0").port] ?? "/none";
  if (path === "/hang") return; // never answers
  if (path === "/redirect") {
    res.writeHead(302, { Location: "/sign-in" }).end();
    return;
  }
  if (path === "/loop") {
    res.writeHead(302, { Location: "/loop", "Access-Control-Allow-Origin": "*" }).end();
    return;
  }
  if (path === "/endless") {
    res.writeHead(200, { "Content-Type": "text/plain", "Access-Control-Allow-Origin": FRONT_END });
    const chunk = "x".repeat(64 * 1024);
    const more = () => {
      while (res.write(chunk)) {}
    };
    res.on("drain", more);
    req.socket.on("close", () => res.destroy());
    more();
    return;
  }
  const setup = setups[path];
  if (setup === undefined) {
    res.writeHead(404, { "Content-Type": "text/plain" }).end("no such setup\n");
    return;
  }
  const headers = setup(req);
  if (byOrigin && headers["Access-Control-Allow-Origin"] === FRONT_END)
    headers["Access-Control-Allow-Origin"] = req.headers.origin;
  if (req.method === "OPTIONS") {
    res.writeHead(204, headers).end();
    return;
  }
  res
    .writeHead(200, { ...headers, "Content-Type": "application/json" })
    .end(JSON.stringify({ items: [1, 2, 3] }));
});
server.listen(5000, "0.0.0.0");
