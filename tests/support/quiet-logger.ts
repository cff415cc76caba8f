import type { LogFields, Logger } from "../../services/shared/src/log.ts";

export interface RecordingLogger extends Logger {
  readonly lines: { level: "info" | "error"; message: string; fields?: LogFields }[];
}

/** A real Logger that keeps its lines in memory, so tests stay quiet and can read what was logged. */
export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger["lines"] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
}
