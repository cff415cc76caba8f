// The reason on the page (issue #12): for policies that fail the CORS check in different ways, the
// request console's explanation, worked out by the app from its own record of the request, names
// the same rule as Chromium's own reason code, pair by pair, in the real browser.
import { describe, expect, it } from "vitest";
import type { Report } from "../../services/grader/src/report/report.ts";
import { anyVerdict, FAILING_POLICIES, policiesServedInTurn } from "../support/failing-policies.ts";
import { grade, readReport } from "../support/grading.ts";
import { stack } from "../support/stack.ts";

const info = stack();
const policies = policiesServedInTurn(info);

describe.each(FAILING_POLICIES)("a policy whose answers fail with %s", (rule, request, policy) => {
  it(`has the console name ${rule}, as Chromium does, for every pair it blocks`, async () => {
    await policies.serve(policy);
    const graded = await grade(policies.project, ["--expect", await anyVerdict(info, rule, request)]);
    expect(graded.code, graded.stdout + graded.stderr).toBe(0);
    const report = JSON.parse(await readReport(info)) as Report;
    const blocked = report.pairs.filter((pair) => pair.got.result === "blocked" && pair.got.cause === "cors");
    expect(blocked).toHaveLength(12);
    for (const { page, target, got } of blocked) {
      expect(got, `${page} -> ${target}`).toMatchObject({ reason: rule, explained: rule });
    }
  });
});
