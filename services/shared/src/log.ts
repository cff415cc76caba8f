// One plain line per event on stdout, so `docker compose logs` reads like a story a student can follow.
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function format(fields: LogFields = {}): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "string" && /[\s"]/.test(value) ? JSON.stringify(value) : value}`,
    )
    .join(" ");
}

export function createLogger(service: string): Logger {
  const line = (message: string, fields?: LogFields) => {
    const rest = format(fields);
    return `${service}: ${message}${rest ? ` ${rest}` : ""}\n`;
  };
  return {
    info: (message, fields) => process.stdout.write(line(message, fields)),
    error: (message, fields) => process.stderr.write(line(message, fields)),
  };
}
