import { fileURLToPath } from "node:url";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { type Env, readBoolean, readInteger, readListenAddress, readString } from "../../shared/src/env.ts";
import { type HttpLimits, readHttpLimits } from "../../shared/src/http-server.ts";
import { DEFAULT_LAB_DIR } from "../../shared/src/lab-manifest.ts";
import { type LabOrigins, readLabOrigins } from "../../shared/src/lab-origins.ts";
import { type CorsPolicy, readCorsPolicy } from "./cors-policy.ts";

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The lab's origins by role: the console's targets, and the origin each page says it is. */
  readonly origins: LabOrigins;
  readonly cors: CorsPolicy;
  readonly logRequests: boolean;
  /** How many requests /requests keeps; 0 turns the request log off. */
  readonly requestLogSize: number;
  readonly http: HttpLimits;
  /** The guide's folder: lab/manifest.json and a folder per step. */
  readonly labDir: string;
  /** The student's CORS policy file, and whether edits to it are picked up while the app runs. */
  readonly policyFile: string;
  readonly watchPolicy: boolean;
  /** How long the policy may take on one request before that request fails (issue #15). */
  readonly policyTimeoutMs: number;
  /** The heap the policy's sandbox may use. */
  readonly policyMemoryMb: number;
  /** Where the warm grader listens, on 127.0.0.1, for the guide's Check button (issue #11); 0: none is asked. */
  readonly graderPort: number;
}

const POLICY_FILE = fileURLToPath(new URL("../policy/cors-policy.ts", import.meta.url));

export function readAppConfig(env: Env): AppConfig {
  const origins = readLabOrigins(env);
  return {
    port: origins.appPort,
    host: readListenAddress(env, "APP_LISTEN_ADDRESS", DEFAULTS.APP_LISTEN_ADDRESS),
    origins,
    cors: readCorsPolicy(env),
    logRequests: readBoolean(env, "LOG_REQUESTS", DEFAULTS.LOG_REQUESTS),
    requestLogSize: readInteger(env, "REQUEST_LOG_SIZE", DEFAULTS.REQUEST_LOG_SIZE, 0, 10_000),
    http: readHttpLimits(env),
    labDir: readString(env, "LAB_DIR", DEFAULT_LAB_DIR),
    policyFile: readString(env, "CORS_POLICY_FILE", POLICY_FILE),
    watchPolicy: readBoolean(env, "CORS_POLICY_WATCH", DEFAULTS.CORS_POLICY_WATCH),
    policyTimeoutMs: readInteger(env, "POLICY_TIMEOUT_MS", DEFAULTS.POLICY_TIMEOUT_MS, 100, 10_000),
    policyMemoryMb: readInteger(env, "POLICY_MEMORY_MB", DEFAULTS.POLICY_MEMORY_MB, 16, 1024),
    graderPort: readInteger(env, "GRADER_SERVICE_PORT", DEFAULTS.GRADER_SERVICE_PORT, 0, 65535),
  };
}
