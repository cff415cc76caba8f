// Loads the student's policy file (services/app/policy/cors-policy.ts) and loads it again whenever
// it changes, so an edit takes effect without a restart. A file that does not load is reported and
// the previous policy stays in force: a typo never takes the lab down.
import { watch } from "node:fs";
import { basename, dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";
import type { RequestHandler } from "express";
import type { Logger } from "../../shared/src/log.ts";

/**
 * The middleware that applies the policy in force, waiting for the first load.
 * @param fallback the policy used while the file exports null (the environment's, if any).
 */
export function loadPolicyFile(
  file: string,
  fallback: RequestHandler | undefined,
  log: Logger,
  watchFile: boolean,
): RequestHandler {
  let current: RequestHandler | undefined = fallback;
  let loaded = false;
  let version = 0;

  const load = async (): Promise<void> => {
    version += 1;
    try {
      // A fresh URL each time: ES modules are cached by URL, and this one changes on purpose.
      const module = (await import(`${pathToFileURL(file).href}?v=${version}`)) as { corsPolicy?: unknown };
      const policy = module.corsPolicy;
      if (policy !== null && typeof policy !== "function") {
        throw new Error("it must export `corsPolicy`: a middleware such as cors({...}), or null");
      }
      current = (policy as RequestHandler | null) ?? fallback;
      log.info("CORS policy loaded", {
        file: basename(file),
        policy: policy ? "from the file" : fallback ? "from .env" : "none",
      });
    } catch (error) {
      // The whole message on one line: a transformer's first line ("Transform failed…") says nothing.
      const reason = stripVTControlCharacters(error instanceof Error ? error.message : String(error))
        .replace(/\s*\n\s*/g, " ")
        .slice(0, 500);
      log.error("CORS policy file not loaded; the previous policy stays in force", {
        file: basename(file),
        reason,
      });
    }
  };

  let pending = load().then(() => {
    loaded = true;
  });
  let timer: NodeJS.Timeout | undefined;
  if (watchFile) {
    // The folder, not the file: editors that save by renaming a new file into place would end a
    // watch on the old one.
    try {
      const watcher = watch(dirname(file), (_event, name) => {
        if (name !== basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          pending = pending.then(load);
        }, 100);
      });
      watcher.on("error", (error) =>
        log.error("cannot watch the CORS policy file", { reason: error.message }),
      );
      watcher.unref();
    } catch (error) {
      log.error("cannot watch the CORS policy file; restart the app after editing it", {
        reason: (error as Error).message,
      });
    }
  }

  return (req, res, next) => {
    const apply = () => (current ? current(req, res, next) : next());
    if (loaded) apply();
    else pending.then(apply, next);
  };
}
