// The policy sandbox (issue #19): runs the student's policy file for the app, in a container of its
// own with no network, nothing writable and no way to start a process (docker-compose.yml), under
// Node's permission model, each version of the file in a worker thread with its limits.
import { loadEnvFile } from "../../shared/src/env-file.ts";
import { createLogger } from "../../shared/src/log.ts";
import { exitOnStartupError } from "../../shared/src/shutdown.ts";
import { type PolicyServiceConfig, readPolicyConfig } from "./config.ts";
import { startSandbox } from "./sandbox.ts";

const log = createLogger("policy");
let config: PolicyServiceConfig;
try {
  config = readPolicyConfig(loadEnvFile());
} catch (error) {
  exitOnStartupError("policy", error);
}
const sandbox = startSandbox(config, log);
log.info("started", { file: config.policyFile, sandbox: sandbox.info.id, socket: config.socket });
