// The pages of the origins a student names with --from (issue #25): their front end need not run.
// The grader answers each such origin's port on this machine's loopback itself, with a plain page
// any engine can load, and the API requests made from it go out for real. One server per port, on
// 127.0.0.1 and (for `localhost`, which a browser may reach as ::1 first) on ::1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { escapeHtml } from "../../../shared/src/html.ts";
import { LAB_SERVER } from "../../../shared/src/http-server.ts";

export interface ServedPages {
  /** The origins whose port was taken here already, so another program answers them. */
  readonly taken: readonly string[];
  close(): Promise<void>;
}

function page(origin: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cors-lab: a page of ${escapeHtml(origin)}</title></head>
<body><p>A page of <code>${escapeHtml(origin)}</code>, given by the cors-lab grader to call your API from.</p></body></html>
`;
}

function listen(server: http.Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, host, () => resolve((server.address() as AddressInfo | null) !== null));
  });
}

export async function servePages(origins: readonly string[]): Promise<ServedPages> {
  const servers: http.Server[] = [];
  const taken: string[] = [];
  for (const origin of origins) {
    const url = new URL(origin);
    const hosts = url.hostname === "localhost" ? ["127.0.0.1", "::1"] : [url.hostname];
    let listening = false;
    for (const host of hosts) {
      const server = http.createServer((_req, res) => {
        res.writeHead(200, {
          "Content-Type": "text/html; charset=utf-8",
          "Cache-Control": "no-store",
          Server: LAB_SERVER,
        });
        res.end(page(origin));
      });
      // A host without ::1 is no matter: the IPv4 one serves the page.
      if (await listen(server, Number(url.port), host)) {
        servers.push(server);
        listening = true;
      }
    }
    if (!listening) taken.push(origin);
  }
  return {
    taken,
    close: async () => {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
