import { createHttpServer } from "../../shared/src/http-server.ts";
import { runService } from "../../shared/src/service.ts";
import { createApp } from "./app.ts";
import { readAppConfig } from "./config.ts";
import { isCorsEnabled } from "./cors-policy.ts";

runService({
  name: "app",
  readConfig: readAppConfig,
  createServer: (config, log) => createHttpServer(config.http, log, createApp(config, log)),
  describe: ({ cors }) => ({
    cors: isCorsEnabled(cors) ? `allow ${[cors.allowOrigins].flat().join(",")}` : "off",
  }),
});
