// The app in-process on an ephemeral loopback port, configured from a set of variables, with the
// policy sandbox beside it (in-process too, linked over a real Unix socket in a folder of its own) and
// loggers that keep their lines for the test to read.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../services/app/src/app.ts";
import { readAppConfig } from "../../services/app/src/config.ts";
import type { PolicyLink } from "../../services/app/src/policy-link.ts";
import { readPolicyConfig } from "../../services/policy/src/config.ts";
import { type Sandbox, startSandbox } from "../../services/policy/src/sandbox.ts";
import { createHttpServer } from "../../services/shared/src/http-server.ts";
import { type Listening, listen } from "./http.ts";
import { type RecordingLogger, recordingLogger } from "./quiet-logger.ts";

export interface RunningApp extends Listening {
  readonly log: RecordingLogger;
  /** The policy sandbox's log: the policy's mistakes, its loads. */
  readonly policyLog: RecordingLogger;
  /** The sandbox linked to the app; undefined when started with `{ sandbox: false }`. */
  readonly sandbox: Sandbox | undefined;
  readonly socket: string;
}

/**
 * Starts the app as its entry file would, on the shared HTTP server, and a policy sandbox linked to it
 * unless `sandbox` is false; `await using` stops both. `env` serves both, as Compose's would.
 */
export async function startApp(
  env: Record<string, string> = {},
  { sandbox: withSandbox = true }: { readonly sandbox?: boolean } = {},
): Promise<RunningApp> {
  const dir = await mkdtemp(join(tmpdir(), "cors-lab-link-"));
  const socket = join(dir, "policy.sock");
  const log = recordingLogger();
  const policyLog = recordingLogger();
  const config = readAppConfig({ ...env, POLICY_SOCKET: socket });
  const app = createApp(config, log);
  await app.locals.policyLinkListening;
  const sandbox = withSandbox
    ? startSandbox(readPolicyConfig({ ...env, POLICY_SOCKET: socket }), policyLog)
    : undefined;
  await sandbox?.link.linked;
  const listening = await listen(createHttpServer(config.http, log, app));
  return {
    port: listening.port,
    log,
    policyLog,
    sandbox,
    socket,
    async [Symbol.asyncDispose]() {
      await listening[Symbol.asyncDispose]();
      await sandbox?.close();
      await (app.locals.policyLink as PolicyLink).close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
