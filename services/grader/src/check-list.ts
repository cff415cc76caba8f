// What one run of the grader checks: a step of the guide, every step up to one (`--all`), or an
// expectations file. Each check is resolved and validated before the browser starts, so a broken
// step file is reported at once, by name, with nothing graded.
import { join } from "node:path";
import {
  DEFAULT_EXPECTATIONS,
  type Expectations,
  ExpectationsError,
  loadExpectations,
} from "../../shared/src/expectations.ts";
import { type LabStep, readManifest } from "../../shared/src/lab-manifest.ts";
import { type LabOrigins, withOrigins } from "../../shared/src/lab-origins.ts";
import type { GraderConfig } from "./config.ts";
import { checkPairsAgainstOrigins } from "./matrix.ts";

export interface Check {
  /** The step of the guide it checks; undefined for an expectations file or the default. */
  readonly step?: number;
  /** The test's name in result.json and the heading above its table, e.g. "Step 6: Allowing one origin". */
  readonly name: string;
  /** Where its expectations came from, for the report: "step 6", a file, or "default". */
  readonly source: string;
  /** One sentence for the learner: what passing the check proves. */
  readonly sentence: string;
  readonly expectations: Expectations;
}

async function stepCheck(labDir: string, step: LabStep, origins: LabOrigins): Promise<Check> {
  if (step.expectations === undefined) {
    throw new ExpectationsError("--step", `step ${step.number} (${step.title}) has no check for the grader`);
  }
  return {
    step: step.number,
    name: `Step ${step.number}: ${step.title}`,
    source: `step ${step.number}`,
    sentence: withOrigins(step.sentence, origins),
    expectations: await loadExpectations(join(labDir, step.folder, step.expectations), origins),
  };
}

async function guideChecks(config: GraderConfig): Promise<Check[]> {
  const steps = await readManifest(config.labDir);
  const last = config.step ?? steps.length;
  if (last > steps.length) {
    throw new ExpectationsError(
      "--step",
      `there is no step ${last}; the guide has steps 1 to ${steps.length}`,
    );
  }
  if (!config.all) return [await stepCheck(config.labDir, steps[last - 1] as LabStep, config.origins)];
  const graded = steps.slice(0, last).filter((step) => step.expectations !== undefined);
  return Promise.all(graded.map((step) => stepCheck(config.labDir, step, config.origins)));
}

export async function resolveChecks(config: GraderConfig): Promise<Check[]> {
  let checks: Check[];
  if (config.all || config.step !== undefined) {
    checks = await guideChecks(config);
  } else {
    const expectations = config.expectFile
      ? await loadExpectations(config.expectFile, config.origins)
      : DEFAULT_EXPECTATIONS;
    checks = [
      {
        name: expectations.title,
        source: config.expectFile ?? "default",
        sentence: expectations.title,
        expectations,
      },
    ];
  }
  for (const check of checks) checkPairsAgainstOrigins(check.source, check.expectations, config.origins.lab);
  return checks;
}
