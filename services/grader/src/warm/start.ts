// `grader --serve`: the warm grader's start-up, until SIGTERM.
import type http from "node:http";
import { DEFAULTS } from "../../../shared/src/defaults.ts";
import { type Env, readInteger, readString } from "../../../shared/src/env.ts";
import { createLogger } from "../../../shared/src/log.ts";
import { closeOnSignal, exitOnStartupError } from "../../../shared/src/shutdown.ts";
import { becomeOwnerOf } from "../report-owner.ts";
import { warmGrader } from "./service.ts";

export function serveWarmGrader(env: Env): void {
  const log = createLogger("grader");
  let port: number;
  try {
    port = readInteger(env, "GRADER_SERVICE_PORT", DEFAULTS.GRADER_SERVICE_PORT, 1, 65535);
  } catch (error) {
    exitOnStartupError("warm grader", error);
  }
  becomeOwnerOf(readString(env, "GRADER_REPORT_DIR", DEFAULTS.REPORTS_DIR));
  let server: http.Server;
  try {
    server = warmGrader(env, log);
  } catch (error) {
    exitOnStartupError("warm grader", error);
  }
  server.on("error", (error) => exitOnStartupError("warm grader", error));
  server.listen(port, "127.0.0.1", () => log.info("warm grader listening", { address: `127.0.0.1:${port}` }));
  closeOnSignal(server, log);
}
