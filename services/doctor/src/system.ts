// The commands the doctor runs on the machine (services/shared/src/command.ts), and reading versions.
export { type CommandResult, type CommandRunner, runCommand } from "../../shared/src/command.ts";

/** Whether a dotted version (20.10.7, 2.26.1-desktop.1) is at least `minimum`. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => (text.match(/\d+(?:\.\d+)*/)?.[0] ?? "0").split(".").map(Number);
  const [have, need] = [parts(version), parts(minimum)];
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
