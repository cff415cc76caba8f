// Commands the host-side tools run (docker, mostly: the doctor, grade:class), never throwing on a
// failure: the exit code and both outputs come back for the caller to put in words.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The project folder, where docker-compose.yml is: where the host-side tools run Compose. */
export const PROJECT_DIR = fileURLToPath(new URL("../../../", import.meta.url));

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly cwd?: string;
  /** Variables on top of this process's (or, with `inherit: false`, the whole environment). */
  readonly env?: Readonly<Record<string, string>>;
  readonly inherit?: boolean;
  readonly timeoutMs?: number;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 << 20,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.env
          ? { env: options.inherit === false ? options.env : { ...process.env, ...options.env } }
          : {}),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 127;
        resolve({ code, stdout, stderr: stderr || (error?.message ?? "") });
      },
    );
  });
