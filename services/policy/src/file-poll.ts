// Notices that a file changed by reading it, not by waiting for a file event: Docker Desktop on
// Windows passes no file events from a Windows folder into a container (docker/for-win#12766,
// microsoft/WSL#4739), so an event-driven reload would silently never happen there. A policy file
// is a few kilobytes; reading it a few times a second costs nothing.
import { readFile } from "node:fs/promises";

/** The file's text, or "" when it cannot be read (missing, say). */
export function readText(file: string): Promise<string> {
  return readFile(file, "utf8").catch(() => "");
}

/** Reads the file every `intervalMs` and hands its text to `read`; the returned function stops it. */
export function pollFile(file: string, intervalMs: number, read: (text: string) => void): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      read(await readText(file));
    } finally {
      busy = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
