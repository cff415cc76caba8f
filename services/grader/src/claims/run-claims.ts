// `grader --claims` (issue #20): measures, in each engine of the run, every claim the guide makes
// about browsers (lab/claims.json), and says which hold. A browser update that changes one fails
// here, and in the lab's tests, instead of misleading a room. Exit 0 when every claim holds in every
// engine, 1 when one does not; claims.json in the report folder holds what was measured.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { originOf, type PageRole } from "../../../shared/src/lab-origins.ts";
import type { BrowserProbe } from "../browser-probe.ts";
import { type BrowserSource, inEachEngine } from "../browser-source.ts";
import type { GraderConfig } from "../config.ts";
import { ENGINE_TITLES, type EngineName } from "../engines/engine.ts";
import { EXIT, type ExitCode, GraderExit } from "../exit-codes.ts";
import { LabClient } from "../lab-client.ts";
import { checkReachability } from "../reachability.ts";
import { CLAIMS_FILE, type ReportFiles, writeReportFiles } from "../report/files.ts";
import { type Terminal, textTable } from "../report/terminal.ts";
import { becomeOwnerOf } from "../report-owner.ts";
import { type Claim, expectedOf, loadClaims } from "./claims-file.ts";
import { PROBES, type ProbeLab } from "./probes.ts";

interface Measured {
  readonly engine: EngineName;
  readonly browser: string;
  readonly id: string;
  readonly measured: string;
  readonly expected: string;
  readonly pass: boolean;
}

export async function runClaims(
  config: GraderConfig,
  terminal: Terminal,
  browsers: BrowserSource,
  handOver?: (files: ReportFiles) => void,
): Promise<ExitCode> {
  const claims = await loadClaims(config.labDir);
  becomeOwnerOf(config.reportDir);
  const client = new LabClient({
    hostResolverRules: config.hostResolverRules,
    trustedCertificates: config.trustedCertificates,
    timeoutMs: config.timeoutMs,
  });
  const { down } = await checkReachability(client, config.origins.lab);
  if (down.length > 0) {
    throw new GraderExit(
      EXIT.unreachable,
      `the lab is not reachable: ${down.join("; ")}.\nStart it with \`docker compose up -d --wait\`, then run the grader again.`,
    );
  }
  const measured = (
    await inEachEngine(browsers, config, client, async (probe) => {
      const results: Measured[] = [];
      for (const claim of claims) results.push(await measure(config, probe, claim));
      return results;
    })
  ).flat();
  const byClaim = claims.map((claim) => ({
    claim,
    results: measured.filter((each) => each.id === claim.id),
  }));
  terminal.out(renderClaims(byClaim, config));
  const report = {
    thirdPartyCookies: config.thirdPartyCookies,
    claims: byClaim.map(({ claim, results }) => ({
      id: claim.id,
      step: claim.step,
      says: claim.says,
      results: Object.fromEntries(
        results.map(({ engine, browser, measured, expected, pass }) => [
          engine,
          { browser, measured, expected, pass },
        ]),
      ),
    })),
  };
  const failed = measured.filter((each) => !each.pass).length;
  terminal.out(`${failed === 0 ? "Every claim holds" : `${failed} measurement(s) differ from the guide`}.\n`);
  // The warm grader hands its files back, never writes them (issue #19).
  const files = { [CLAIMS_FILE]: `${JSON.stringify(report, null, 2)}\n` };
  if (handOver) handOver(files);
  else {
    await writeReportFiles(config.reportDir, files);
    terminal.out(`Written to ${join(config.reportDirShown, CLAIMS_FILE)}\n`);
  }
  return failed === 0 ? EXIT.pass : EXIT.mismatch;
}

async function measure(config: GraderConfig, probe: BrowserProbe, claim: Claim): Promise<Measured> {
  const origin = (role: PageRole) => originOf(config.origins, role);
  const lab: ProbeLab = {
    origin,
    timeoutMs: config.timeoutMs,
    mark: () => `${claim.id}-${randomUUID()}`,
    open: async (page, signedIn = []) => {
      const opened = await probe.openPage(`${origin(page)}/`, {
        signedInAt: signedIn.map(origin),
        thirdPartyCookies: config.thirdPartyCookies,
        localNetwork: config.localNetwork,
      });
      const refusedOrigins = opened.signInsRefused ?? [];
      return { tab: opened.tab, refused: signedIn.filter((role) => refusedOrigins.includes(origin(role))) };
    },
  };
  const expected = expectedOf(claim, probe.engine, config.thirdPartyCookies);
  let measured: string;
  try {
    measured = await (PROBES[claim.id] as (lab: ProbeLab) => Promise<string>)(lab);
  } catch (error) {
    measured = `not measured: ${(error as Error).message.split("\n")[0]}`;
  }
  return {
    engine: probe.engine,
    browser: probe.version(),
    id: claim.id,
    measured,
    expected,
    pass: measured === expected,
  };
}

function renderClaims(
  byClaim: readonly { claim: Claim; results: readonly Measured[] }[],
  config: GraderConfig,
): string {
  const cookies =
    config.thirdPartyCookies === "blocked" ? "blocked in Chromium too" : "as each browser ships";
  const header = ["claim", "step", "engine", "measured", "the guide says", ""];
  const rows = byClaim.flatMap(({ claim, results }) =>
    results.map((each) => [
      claim.id,
      String(claim.step),
      `${ENGINE_TITLES[each.engine]} ${each.browser}`,
      each.measured,
      each.pass ? "the same" : each.expected,
      each.pass ? "ok" : "DIFFERS",
    ]),
  );
  return `The guide's claims about browsers, measured (third-party cookies ${cookies})\n${textTable(header, rows)}\n\n`;
}
