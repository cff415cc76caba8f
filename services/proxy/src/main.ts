import { loadEnvFile } from "../../shared/src/env.ts";
import { createLogger } from "../../shared/src/log.ts";
import { closeOnSignal, exitOnStartupError } from "../../shared/src/shutdown.ts";
import { type ProxyConfig, readProxyConfig } from "./config.ts";
import { createProxy } from "./proxy-server.ts";

const log = createLogger("proxy");
let config: ProxyConfig;
try {
  config = readProxyConfig(loadEnvFile());
} catch (error) {
  exitOnStartupError("proxy", error);
}

const server = createProxy(config, log).listen(config.port, config.host, () => {
  const routes = [...config.routes].map(([host, url]) => `${host}->${url.origin}`).join(",");
  log.info("listening", { address: `${config.host}:${config.port}`, routes });
});
server.on("error", (error) => exitOnStartupError("proxy", error));
closeOnSignal(server, log);
