import type { LabClient } from "./lab-client.ts";

export interface Reachability {
  /** Origins that do not answer, or where the lab answers that it is not well; each with the reason. */
  readonly down: string[];
  /**
   * Origins where something answers, but not the lab: a cloud workspace's port forwarder with its
   * sign-in, say. Grading goes on: each pair then says what answered instead of the lab.
   */
  readonly notTheLab: string[];
}

/** Asks every origin's `/healthz`. */
export async function checkReachability(
  client: LabClient,
  origins: readonly string[],
): Promise<Reachability> {
  const down: string[] = [];
  const notTheLab: string[] = [];
  for (const [origin, answer] of await Promise.all(
    origins.map(async (origin) => [origin, await client.ask(`${origin}/healthz`)] as const),
  )) {
    if ("error" in answer) down.push(`${origin} did not answer (${answer.error})`);
    else if (!answer.fromLab) notTheLab.push(`${origin} answered ${answer.status}, but not as the lab`);
    else if (answer.status !== 200) down.push(`${origin} answered ${answer.status}`);
  }
  return { down, notTheLab };
}
