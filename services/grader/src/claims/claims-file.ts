// lab/claims.json: what the guide says browsers do, where it says it, and what each engine the lab
// runs is expected to show when the claim is measured (issue #20). A claim's id is its probe's name
// (probes.ts); the guide names the id where it makes the claim, so a reader can find the test.
//   { "claims": [ { "id": "sec-fetch-site", "step": 5, "says": "…",
//                   "expect": { "chromium": "…", "firefox": "…", "webkit": "…" },
//                   "blocked": { "chromium": "…" } } ] }
// `blocked` holds what an engine shows instead with third-party cookies blocked (--third-party-cookies).
import { join } from "node:path";
import { readJsonFile } from "../../../shared/src/json-file.ts";
import { ENGINES, type EngineName, type ThirdPartyCookies } from "../engines/engine.ts";
import { PROBES } from "./probes.ts";

export interface Claim {
  readonly id: string;
  /** The step of the guide that makes the claim. */
  readonly step: number;
  /** The claim, in the guide's words. */
  readonly says: string;
  readonly expect: Readonly<Record<EngineName, string>>;
  readonly blocked: Readonly<Partial<Record<EngineName, string>>>;
}

export class ClaimsError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = "ClaimsError";
  }
}

export const CLAIMS_FILE = "claims.json";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function byEngine(source: string, where: string, value: unknown, every: boolean): Record<string, string> {
  if (!isRecord(value)) throw new ClaimsError(source, `${where} must be an object keyed by engine`);
  for (const [engine, said] of Object.entries(value)) {
    if (!(ENGINES as readonly string[]).includes(engine))
      throw new ClaimsError(
        source,
        `${where} names ${JSON.stringify(engine)}, not one of ${ENGINES.join(", ")}`,
      );
    if (typeof said !== "string" || said.trim() === "")
      throw new ClaimsError(source, `${where}.${engine} must be a non-empty string`);
  }
  const missing = every ? ENGINES.filter((engine) => !(engine in value)) : [];
  if (missing.length > 0) throw new ClaimsError(source, `${where} has nothing for ${missing.join(", ")}`);
  return value as Record<string, string>;
}

export function parseClaims(source: string, data: unknown): Claim[] {
  const claims = isRecord(data) ? data.claims : undefined;
  if (!Array.isArray(claims) || claims.length === 0)
    throw new ClaimsError(source, `"claims" must be a non-empty array`);
  const parsed = claims.map((claim: unknown, index): Claim => {
    const where = `claims[${index}]`;
    if (!isRecord(claim)) throw new ClaimsError(source, `${where} must be an object`);
    const { id, step, says } = claim;
    if (typeof id !== "string" || !Object.hasOwn(PROBES, id))
      throw new ClaimsError(
        source,
        `${where}.id must name a probe (${Object.keys(PROBES).join(", ")}), not ${JSON.stringify(id)}`,
      );
    if (typeof step !== "number" || !Number.isInteger(step) || step < 1)
      throw new ClaimsError(source, `${where}.step must be a step number, not ${JSON.stringify(step)}`);
    if (typeof says !== "string" || says.trim() === "")
      throw new ClaimsError(source, `${where}.says must be the claim in the guide's words`);
    return {
      id,
      step,
      says,
      expect: byEngine(source, `${where}.expect`, claim.expect, true) as Claim["expect"],
      blocked: claim.blocked === undefined ? {} : byEngine(source, `${where}.blocked`, claim.blocked, false),
    };
  });
  const repeated = parsed.find((claim, index) => parsed.findIndex((each) => each.id === claim.id) !== index);
  if (repeated !== undefined) throw new ClaimsError(source, `the claim ${repeated.id} is there twice`);
  return parsed;
}

export async function loadClaims(labDir: string): Promise<Claim[]> {
  const path = join(labDir, CLAIMS_FILE);
  return parseClaims(path, await readJsonFile(path, (problem) => new ClaimsError(path, problem)));
}

/** What the guide expects `engine` to show for `claim`, with third-party cookies as set. */
export function expectedOf(claim: Claim, engine: EngineName, cookies: ThirdPartyCookies): string {
  return (cookies === "blocked" ? claim.blocked[engine] : undefined) ?? claim.expect[engine];
}
