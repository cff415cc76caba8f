import { readFile } from "node:fs/promises";

/**
 * Reads and parses a JSON file; a missing file or broken JSON becomes the error `fail` makes from
 * the problem, so each caller names its file in its own terms.
 */
export async function readJsonFile(path: string, fail: (problem: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`);
  }
}
