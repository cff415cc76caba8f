import { runService } from "../../shared/src/service.ts";
import { readProxyConfig } from "./config.ts";
import { createProxy } from "./proxy-server.ts";

runService({
  name: "proxy",
  readConfig: readProxyConfig,
  createServer: createProxy,
  describe: ({ routes }) => ({
    routes: [...routes].map(([host, url]) => `${host}->${url.origin}`).join(","),
  }),
});
