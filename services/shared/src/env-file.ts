// The user's `.env`, read by each service's entry at start-up. Apart from env.ts, so that what reads
// settings (a policy's `#lab/origins` among them, in every version's thread) does not load dotenv.
import { config as loadDotenv } from "dotenv";
import type { Env } from "./env.ts";

/** Reads `.env` from the working directory when there is one; real environment variables win. */
export function loadEnvFile(): Env {
  loadDotenv({ quiet: true });
  return process.env;
}
