// Where a run's browsers come from: a browser of its own (the command line), or the warm grader's,
// which stay up between runs (warm/shared-browser.ts).
import { BrowserProbe } from "./browser-probe.ts";
import type { GraderConfig } from "./config.ts";
import type { EngineName } from "./engines/engine.ts";
import { launchEngine } from "./engines/launch.ts";
import { EXIT, GraderExit } from "./exit-codes.ts";
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

/**
 * `work` in each engine of the run at once, each engine released after; an engine that cannot start
 * ends the run with the grader's exit code for it (4).
 */
export function inEachEngine<T>(
  browsers: BrowserSource,
  config: GraderConfig,
  client: LabClient,
  work: (probe: BrowserProbe) => Promise<T>,
): Promise<T[]> {
  return Promise.all(
    config.browsers.map(async (engine) => {
      let probe: BrowserProbe;
      try {
        probe = await browsers.acquire(config, client, engine);
      } catch (error) {
        throw new GraderExit(EXIT.browser, (error as Error).message.split("\n")[0] ?? "");
      }
      try {
        return await work(probe);
      } finally {
        await browsers.release(probe);
      }
    }),
  );
}
