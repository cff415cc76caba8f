// Where a run's browsers come from: a browser of its own (the command line), or the warm grader's,
// which stay up between runs (warm/shared-browser.ts).
import { BrowserProbe } from "./browser-probe.ts";
import type { GraderConfig } from "./config.ts";
import type { EngineName } from "./engines/engine.ts";
import { launchEngine } from "./engines/launch.ts";
import { type LabClient, spkiHashes } from "./lab-client.ts";

/** Where a run's browsers come from: its own (the command line), or the warm grader's Chromium. */
export interface BrowserSource {
  /** A running `engine` for `config`; throws when it cannot start. */
  acquire(config: GraderConfig, client: LabClient, engine: EngineName): Promise<BrowserProbe>;
  release(probe: BrowserProbe): Promise<void>;
}

/** A new browser for the run, closed after it. */
export const OWN_BROWSER: BrowserSource = {
  acquire: async (config, client, engine) => {
    const launched = await launchEngine(engine, config.executables[engine], {
      timeoutMs: config.timeoutMs,
      hostResolverRules: config.hostResolverRules,
      trustedSpki: config.trustedCertificates ? spkiHashes(config.trustedCertificates) : [],
      origins: Object.values(config.origins.byRole),
    });
    return new BrowserProbe(launched, { timeoutMs: config.timeoutMs, client });
  },
  release: (probe) => probe.close(),
};
