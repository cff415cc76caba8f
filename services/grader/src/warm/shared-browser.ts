// The warm grader's browser (issue #11): one Chromium for every run, started when the first one asks
// and again if it ever dies. The warm grader runs in the grader image, which has Chromium alone: any
// other engine is started per run, and so fails with the command line's words (issue #14).
import type { BrowserProbe } from "../browser-probe.ts";
import type { GraderConfig } from "../config.ts";
import type { EngineName } from "../engines/engine.ts";
import type { LabClient } from "../lab-client.ts";
import { type BrowserSource, OWN_BROWSER } from "../run.ts";

export interface SharedBrowser extends BrowserSource {
  /** False when the shared Chromium has gone away (crashed, killed): the run it served broke with it. */
  readonly connected: boolean;
}

export function sharedBrowser(): SharedBrowser {
  let running: Promise<BrowserProbe> | undefined;
  let last: BrowserProbe | undefined;
  return {
    acquire: async (config: GraderConfig, client: LabClient, engine: EngineName) => {
      if (engine !== "chromium") return OWN_BROWSER.acquire(config, client, engine);
      const probe = running ? await running.catch(() => undefined) : undefined;
      if (probe?.connected) return probe;
      running = OWN_BROWSER.acquire(config, client, engine);
      last = await running;
      return last;
    },
    release: async () => {},
    get connected() {
      return last?.connected ?? true;
    },
  };
}
