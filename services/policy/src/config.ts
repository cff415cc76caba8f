// The policy sandbox's settings (issue #19), parsed once at start-up; a bad value names its variable.
import { fileURLToPath } from "node:url";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { type Env, readBoolean, readInteger, readString } from "../../shared/src/env.ts";
import { type LabOrigins, readLabOrigins } from "../../shared/src/lab-origins.ts";

export interface PolicyServiceConfig {
  /** The app's end of the link: a Unix socket the app listens on, in a volume both containers mount. */
  readonly socket: string;
  /** The student's CORS policy file, and whether edits to it are picked up while the lab runs. */
  readonly policyFile: string;
  readonly watchPolicy: boolean;
  /** How long the policy may take on one request before that request fails (issue #15). */
  readonly timeoutMs: number;
  /** The heap each version's thread may use. */
  readonly memoryMb: number;
  /** What a policy reads as `#lab/origins`: checked here, so a bad value stops the start, named. */
  readonly origins: LabOrigins;
}

const POLICY_FILE = fileURLToPath(new URL("../../app/policy/cors-policy.ts", import.meta.url));

export function readPolicyConfig(env: Env): PolicyServiceConfig {
  return {
    socket: readString(env, "POLICY_SOCKET", DEFAULTS.POLICY_SOCKET),
    policyFile: readString(env, "CORS_POLICY_FILE", POLICY_FILE),
    watchPolicy: readBoolean(env, "CORS_POLICY_WATCH", DEFAULTS.CORS_POLICY_WATCH),
    timeoutMs: readInteger(env, "POLICY_TIMEOUT_MS", DEFAULTS.POLICY_TIMEOUT_MS, 100, 10_000),
    memoryMb: readInteger(env, "POLICY_MEMORY_MB", DEFAULTS.POLICY_MEMORY_MB, 16, 256),
    origins: readLabOrigins(env),
  };
}
