import type { Server } from "node:http";
import type { Env } from "./env.ts";
import { loadEnvFile } from "./env-file.ts";
import { createLogger, type LogFields, type Logger } from "./log.ts";
import { closeOnSignal, exitOnStartupError } from "./shutdown.ts";

export interface ServiceDefinition<Config extends { readonly port: number; readonly host: string }> {
  readonly name: string;
  readonly readConfig: (env: Env) => Config;
  readonly createServer: (config: Config, log: Logger) => Server;
  /** What the "listening" line should say about this configuration. */
  readonly describe: (config: Config) => LogFields;
}

/**
 * Reads the configuration (a bad value ends start-up with one line naming the variable), starts the
 * server, and stops it cleanly on SIGTERM. What an entry file does, and nothing more.
 */
export function runService<Config extends { readonly port: number; readonly host: string }>(
  service: ServiceDefinition<Config>,
): Server {
  const log = createLogger(service.name);
  let config: Config;
  try {
    config = service.readConfig(loadEnvFile());
  } catch (error) {
    exitOnStartupError(service.name, error);
  }
  const server = service.createServer(config, log);
  server.on("error", (error) => exitOnStartupError(service.name, error));
  server.listen(config.port, config.host, () => {
    log.info("listening", { address: `${config.host}:${config.port}`, ...service.describe(config) });
  });
  closeOnSignal(server, log);
  return server;
}
