// The grader writes its report into a folder bind-mounted from the user's machine. Whoever owns that
// folder should own the report, whatever their user id (1000 on most desktops, 33333 on Gitpod, 0 on
// a root VM). So the container starts as root and, before anything else, becomes that owner.
import { statSync } from "node:fs";

/** Switches to the owner of `directory` when running as root; returns the user id it runs as. */
export function becomeOwnerOf(directory: string): number | undefined {
  if (process.getuid === undefined || process.getuid() !== 0) return process.getuid?.();
  let owner: { uid: number; gid: number };
  try {
    owner = statSync(directory);
  } catch {
    return 0; // no folder yet: writing the report will say what is wrong
  }
  if (owner.uid !== 0) {
    // Groups first, user last: once the user id changes there is no permission left to change the rest.
    process.setgroups?.([owner.gid]);
    process.setgid?.(owner.gid);
    process.setuid?.(owner.uid);
  }
  return process.getuid();
}
