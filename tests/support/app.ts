// The app in-process on an ephemeral loopback port, configured from a set of variables, with a
// logger that keeps its lines for the test to read.
import { createApp } from "../../services/app/src/app.ts";
import { readAppConfig } from "../../services/app/src/config.ts";
import type { PolicyFile } from "../../services/app/src/policy/policy-file.ts";
import { createHttpServer } from "../../services/shared/src/http-server.ts";
import { type Listening, listen } from "./http.ts";
import { type RecordingLogger, recordingLogger } from "./quiet-logger.ts";

export interface RunningApp extends Listening {
  readonly log: RecordingLogger;
}

/** Starts the app as its entry file would, on the shared HTTP server; `await using` stops it. */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const log = recordingLogger();
  const config = readAppConfig(env);
  const app = createApp(config, log);
  const listening = await listen(createHttpServer(config.http, log, app));
  return {
    port: listening.port,
    log,
    async [Symbol.asyncDispose]() {
      await listening[Symbol.asyncDispose]();
      await (app.locals.policyFile as PolicyFile).close();
    },
  };
}
