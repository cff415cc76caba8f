// One check's report with a pair that passed and one that did not, and text that must be escaped
// wherever it is shown: the JUnit, Markdown and terminal renderings' tests share it.
import type { Report } from "../../../../services/grader/src/report/report.ts";

export const report: Report = {
  title: 'Step 6: "exactly" <one> origin & no other',
  expectations: "step 6",
  request: "simple",
  asked: { path: "/headers", signedIn: [] },
  thirdPartyCookies: "shipped",
  localNetwork: "denied",
  signInsRefused: [],
  pageCount: 2,
  startedAt: "2026-11-25T12:00:00.000Z",
  durationMs: 1500,
  timings: { launchMs: 400, matrixMs: 1000 },
  engine: "chromium",
  browser: "156",
  origins: ["http://app.local:8080", "http://api.local:8080"],
  summary: {
    pairs: 2,
    passed: 1,
    failed: 1,
    allowed: 0,
    blockedCors: 2,
    blockedOther: 0,
    localNetwork: 0,
    policyFailed: 0,
    notTheLab: 0,
  },
  pairs: [
    {
      page: "http://app.local:8080",
      target: "http://api.local:8080",
      expected: { expect: "allowed" },
      got: { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" },
      pass: false,
      hint: 'http://api.local:8080 answered without Access-Control-Allow-Origin <see> "policy" & fix\u0001 it',
    },
    {
      page: "http://api.local:8080",
      target: "http://app.local:8080",
      expected: { expect: "blocked" },
      got: { result: "blocked", cause: "cors", reason: "MissingAllowOriginHeader" },
      pass: true,
      hint: undefined,
    },
  ],
};
