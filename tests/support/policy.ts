// Serving a policy to the running stack as a student does: by saving the policy file, which the
// policy sandbox picks up, and waiting until the app says the sandbox has loaded that save. No
// container is recreated (issue #21): the stack's policy folder is a scratch copy, mounted once.
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { LinkedPolicyStatus } from "../../services/shared/src/policy-protocol.ts";
import { retryUntil } from "../../services/shared/src/retry.ts";
import { ROOT } from "./docker.ts";
import { http } from "./http.ts";

/** What the stack needs to be served a policy: the app's host port and the mounted policy folder. */
export interface PolicyTarget {
  readonly appPort: number;
  readonly policyDir: string;
}

export const STARTER_POLICY = join(ROOT, "services/app/policy/cors-policy.ts");

export async function policyStatus(target: PolicyTarget): Promise<LinkedPolicyStatus> {
  return JSON.parse((await http(target.appPort, "/policy.json")).body) as LinkedPolicyStatus;
}

/** Whether `now` reports a load (or a failed load) after `before`: a newer version, or a new sandbox. */
export function loadedSince(before: LinkedPolicyStatus, now: LinkedPolicyStatus): boolean {
  if (!now.sandbox.linked || now.version === 0) return false;
  const sameSandbox = before.sandbox.linked && before.sandbox.id === now.sandbox.id;
  return !sameSandbox || now.version > before.version;
}

/** How long a save may take to be loaded: the sandbox reads the file four times a second. */
const PICK_UP_MS = 15_000;

/**
 * Saves `text` as the policy file (written aside and renamed, as editors do) and waits until the
 * sandbox has loaded it, or said why it cannot; returns the status then.
 */
export async function servePolicyText(target: PolicyTarget, text: string): Promise<LinkedPolicyStatus> {
  const before = await policyStatus(target);
  const file = join(target.policyDir, "cors-policy.ts");
  const partial = join(target.policyDir, ".cors-policy.ts.partial");
  // A comment that changes with every save: the sandbox loads a file only when its text changed.
  await writeFile(partial, `${text}\n// served by the tests at ${process.hrtime.bigint()}\n`, {
    mode: 0o644,
  });
  await chmod(partial, 0o644);
  await rename(partial, file);
  const status = await retryUntil(
    () => policyStatus(target),
    (now) => loadedSince(before, now),
    {
      timeoutMs: PICK_UP_MS,
      intervalMs: 50,
    },
  );
  if (!loadedSince(before, status))
    throw new Error(`the sandbox did not load the policy: ${JSON.stringify(status)}`);
  return status;
}

/** Serves the cors-policy.ts of a folder (a reference solution, say: `./lab/06-…/solution`). */
export async function servePolicyFrom(target: PolicyTarget, folder: string): Promise<LinkedPolicyStatus> {
  const dir = isAbsolute(folder) ? folder : join(ROOT, folder);
  return servePolicyText(target, await readFile(join(dir, "cors-policy.ts"), "utf8"));
}

/** Serves the starter policy again, as the stack started with. */
export async function serveStarter(target: PolicyTarget): Promise<LinkedPolicyStatus> {
  return servePolicyText(target, await readFile(STARTER_POLICY, "utf8"));
}
