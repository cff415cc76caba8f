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
  /** Where the app listens for the policy sandbox, which runs the student's policy file (issue #19). */
  readonly policySocket: string;
  /** Where the warm grader listens, on 127.0.0.1, for the guide's Check button (issue #11); 0: none is asked. */
  readonly graderPort: number;
}

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
    policySocket: readString(env, "POLICY_SOCKET", DEFAULTS.POLICY_SOCKET),
    graderPort: readInteger(env, "GRADER_SERVICE_PORT", DEFAULTS.GRADER_SERVICE_PORT, 0, 65535),
  };
}
