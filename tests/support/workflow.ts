// The grading workflow's file and its steps, read as YAML, for the tests that hold it to the lab.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./docker.ts";

export const WORKFLOW = join(ROOT, ".github/workflows/grade.yml");
export interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

export async function workflowSteps(): Promise<WorkflowStep[]> {
  const workflow = parse(await readFile(WORKFLOW, "utf8"));
  return workflow.jobs.grade.steps as WorkflowStep[];
}
