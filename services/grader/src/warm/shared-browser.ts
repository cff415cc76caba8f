// The warm grader's browsers (issue #11): one per engine, started when the first run asks for it and
// again if it ever dies. In the grader image only Chromium is there: any other engine fails to start,
// and so each run that asks for it is told so with the command line's words (issue #14); in the
// engines image (the warm-engines service, issue #21) all three stay warm.
import type { BrowserProbe } from "../browser-probe.ts";
import { type BrowserSource, OWN_BROWSER } from "../browser-source.ts";
import type { GraderConfig } from "../config.ts";
import type { EngineName } from "../engines/engine.ts";
import type { LabClient } from "../lab-client.ts";

export interface SharedBrowser extends BrowserSource {
  /** False when a shared browser has gone away (crashed, killed): the run it served broke with it. */
  readonly connected: boolean;
}

export function sharedBrowser(): SharedBrowser {
  const running = new Map<EngineName, Promise<BrowserProbe>>();
  const started = new Map<EngineName, BrowserProbe>();
  return {
    acquire: async (config: GraderConfig, client: LabClient, engine: EngineName) => {
      const current = running.get(engine);
      const probe = current ? await current.catch(() => undefined) : undefined;
      if (probe?.usable) return probe;
      // One that hung is closed first (its relays hold the loopback names' ports), as far as it will.
      if (probe) await probe.close().catch(() => undefined);
      const starting = OWN_BROWSER.acquire(config, client, engine);
      running.set(engine, starting);
      // An engine that cannot start is asked again by the next run (and says why again).
      starting.then(
        (launched) => started.set(engine, launched),
        () => running.delete(engine),
      );
      return starting;
    },
    release: async () => {},
    get connected() {
      return [...started.values()].every((probe) => probe.connected);
    },
  };
}
