import { loadEnvFile } from "../../shared/src/env.ts";
import { createLogger } from "../../shared/src/log.ts";
import { closeOnSignal, exitOnStartupError } from "../../shared/src/shutdown.ts";
import { createApp } from "./app.ts";
import { type AppConfig, readAppConfig } from "./config.ts";
import { isCorsEnabled } from "./cors-policy.ts";

const log = createLogger("app");
let config: AppConfig;
try {
  config = readAppConfig(loadEnvFile());
} catch (error) {
  exitOnStartupError("app", error);
}

const server = createApp(config, log).listen(config.port, config.host, () => {
  log.info("listening", {
    address: `${config.host}:${config.port}`,
    cors: isCorsEnabled(config.cors) ? `allow ${[config.cors.allowOrigins].flat().join(",")}` : "off",
  });
});
server.on("error", (error) => exitOnStartupError("app", error));
closeOnSignal(server, log);
