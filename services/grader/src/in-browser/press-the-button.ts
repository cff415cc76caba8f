// `grader --in-browser` (issue #24): a step checked as a student checks it with "Check in this
// browser": the step's page is opened in the engine, its button pressed as a user would, and the
// table the page shows read back, pair by pair, as the app judged what the browser's own window
// did. The lab's tests compare it with the grader's own verdicts in each engine.
import type { JudgedPair } from "../../../shared/src/expectations.ts";
import { retryUntil } from "../../../shared/src/retry.ts";
import type { BrowserProbe } from "../browser-probe.ts";
import type { PairResult } from "../report/report.ts";

/** What the step's page shows once its own check is done. */
interface Shown {
  readonly state: string | undefined;
  readonly pairs: string | undefined;
  readonly text: string;
}

function shown(): Shown {
  const { document } = globalThis as unknown as {
    document: {
      getElementById(
        id: string,
      ): { dataset: Record<string, string | undefined>; textContent: string | null } | null;
    };
  };
  const result = document.getElementById("in-browser-result");
  return {
    state: result?.dataset.state,
    pairs: result?.dataset.pairs,
    text: (result?.textContent ?? "").slice(0, 500),
  };
}

const DONE = new Set(["passed", "failed", "error", "blocked"]);

/**
 * Opens `stepPage`, presses "Check in this browser", and waits (up to `timeoutMs`) for the table.
 * Every pair as the page reports it; throws with the page's words when it reports none.
 */
export async function pressTheButton(
  probe: BrowserProbe,
  stepPage: string,
  timeoutMs: number,
): Promise<PairResult[]> {
  const opened = await probe.openPage(stepPage, {
    signedInAt: [],
    thirdPartyCookies: "shipped",
    localNetwork: "denied",
  });
  try {
    await opened.tab.click("#check-in-browser");
    let seen: Shown = { state: undefined, pairs: undefined, text: "" };
    await retryUntil(
      async () => {
        seen = await opened.tab.evaluate(shown, undefined);
        return seen;
      },
      (each) => each.state !== undefined && DONE.has(each.state),
      { timeoutMs, intervalMs: 100 },
    ).catch(() => undefined);
    if (seen.pairs === undefined)
      throw new Error(`the page's own check showed no table (${seen.state ?? "nothing"}): ${seen.text}`);
    // The app's outcomes are the grader's in all but name (a JudgedOutcome's cause is a string).
    return JSON.parse(seen.pairs) as JudgedPair[] as unknown as PairResult[];
  } finally {
    await opened.tab.close().catch(() => undefined);
  }
}
