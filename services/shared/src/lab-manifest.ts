// lab/manifest.json: the guide's steps, in order. Read by the app (to serve the guide) and by the
// grader (to find a step's expectations); every problem names the file and the place in it.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJsonFile } from "./json-file.ts";

/** The guide's folder in this repository (and in the images): lab/ at the top. */
export const DEFAULT_LAB_DIR = fileURLToPath(new URL("../../../lab/", import.meta.url));

export interface LabStep {
  readonly number: number;
  /** Folder under lab/, holding README.md and the step's other files. */
  readonly folder: string;
  readonly title: string;
  /** One sentence for the learner: what the step's check proves. */
  readonly sentence: string;
  /** The step's grader expectations, relative to its folder, if it has any. */
  readonly expectations?: string;
  /** Folder, relative to the step's, holding the reference solution's cors-policy.ts. */
  readonly solution?: string;
}

export class ManifestError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = "ManifestError";
  }
}

const FOLDER = /^[a-z0-9][a-z0-9-]*$/;
const FILE = /^[a-z0-9][a-z0-9.-]*\.json$/;

function text(source: string, where: string, value: unknown, pattern?: RegExp): string {
  if (typeof value !== "string" || value.trim() === "" || (pattern !== undefined && !pattern.test(value))) {
    throw new ManifestError(
      source,
      `${where} must be ${pattern ? `a name matching ${pattern}` : "a non-empty string"}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function parseManifest(source: string, data: unknown): LabStep[] {
  const steps = (data as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps) || steps.length === 0)
    throw new ManifestError(source, `"steps" must be a non-empty array`);
  return steps.map((step: Record<string, unknown> | null, index) => {
    const where = `steps[${index}]`;
    if (typeof step !== "object" || step === null)
      throw new ManifestError(source, `${where} must be an object`);
    if (step.number !== index + 1) {
      throw new ManifestError(
        source,
        `${where}.number must be ${index + 1} (steps are numbered in order), not ${JSON.stringify(step.number)}`,
      );
    }
    const parsed: LabStep = {
      number: index + 1,
      folder: text(source, `${where}.folder`, step.folder, FOLDER),
      title: text(source, `${where}.title`, step.title),
      sentence: text(source, `${where}.sentence`, step.sentence),
    };
    return {
      ...parsed,
      ...(step.expectations === undefined
        ? {}
        : { expectations: text(source, `${where}.expectations`, step.expectations, FILE) }),
      ...(step.solution === undefined
        ? {}
        : { solution: text(source, `${where}.solution`, step.solution, FOLDER) }),
    };
  });
}

export async function readManifest(labDir: string): Promise<LabStep[]> {
  const source = join(labDir, "manifest.json");
  return parseManifest(source, await readJsonFile(source, (problem) => new ManifestError(source, problem)));
}
