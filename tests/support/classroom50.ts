// Checks a result.json against Classroom 50's contract: the JSON Schema for its structure, and the
// cross-field rules its runner enforces in code (no score above its maximum, totals that add up).
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

const schema = JSON.parse(readFileSync(new URL("classroom50-result.schema.json", import.meta.url), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

interface ResultTest {
  readonly "test-name": string;
  readonly passed: boolean;
  readonly score: number;
  readonly "max-score": number;
  readonly message?: string;
}

export interface Classroom50Result {
  readonly classroom: string;
  readonly assignment: string;
  readonly submission: string;
  readonly score: number;
  readonly "max-score": number;
  readonly tests: readonly ResultTest[];
}

export function expectValidResult(data: unknown): Classroom50Result {
  const valid = validate(data);
  expect(validate.errors ?? [], "result.json against classroom50/result/v1").toEqual([]);
  expect(valid).toBe(true);
  const result = data as Classroom50Result;
  expect(result.score).toBeLessThanOrEqual(result["max-score"]);
  for (const test of result.tests) expect(test.score).toBeLessThanOrEqual(test["max-score"]);
  expect(result.tests.reduce((sum, test) => sum + test.score, 0)).toBe(result.score);
  expect(result.tests.reduce((sum, test) => sum + test["max-score"], 0)).toBe(result["max-score"]);
  return result;
}
