import { Marked } from "marked";
import { describe, expect, it } from "vitest";
import { classroomResult, readSubmissionIdentity } from "../../../../services/grader/src/classroom-result.ts";
import { markdownText, renderMarkdownSummary } from "../../../../services/grader/src/report/markdown.ts";
import { report } from "./sample-report.ts";

const passing = {
  ...report,
  title: "Step 2: every origin reads itself",
  summary: { ...report.summary, passed: 2, failed: 0 },
};
const result = classroomResult(
  readSubmissionIdentity({}),
  [
    { name: "Step 2: The basic server", passed: true, message: "Every origin can read its own /headers." },
    {
      name: 'Step 6: "exactly" <one> origin & no other',
      passed: false,
      message: "Not yet: 1 of 2 pairs | not <b>as</b> expected.",
    },
  ],
  new Date("2026-11-26T08:00:00Z"),
);

describe("the Markdown summary", () => {
  const markdown = renderMarkdownSummary({
    checks: [
      { name: "Step 2: The basic server", reports: [passing] },
      { name: 'Step 6: "exactly" <one> origin & no other', reports: [report] },
    ],
    result,
  });
  const html = new Marked({ gfm: true }).parse(markdown, { async: false });

  it("is a score, then a table with a row per check: its name, verdict and pairs as expected", () => {
    expect(markdown.split("\n")[0]).toBe("## cors-lab: 1 of 2 checks passed");
    const rows = [
      ...html.matchAll(/<tr>\s*<td>(.*?)<\/td>\s*<td>(.*?)<\/td>\s*<td>(.*?)<\/td>\s*<\/tr>/gs),
    ].map((match) => match.slice(1, 4));
    expect(rows).toEqual([
      ["Step 2: The basic server", "✅ passed", "2 of 2"],
      ["Step 6: &quot;exactly&quot; &lt;one&gt; origin &amp; no other", "❌ not yet", "1 of 2"],
    ]);
  });

  it("says what to look at in a check that needs work, in the terminal's words, as text", () => {
    expect(html).toContain("Not yet: 1 of 2 pairs | not &lt;b&gt;as&lt;/b&gt; expected.");
    // GitHub makes the origins links; the words around them are the hint's.
    const items = [...html.matchAll(/<li>(.*?)<\/li>/gs)].map((match) =>
      match[1]?.replace(/<\/?a[^>]*>/g, ""),
    );
    expect(items).toEqual([
      "http://app.local:8080 -&gt; http://api.local:8080: http://api.local:8080 answered without Access-Control-Allow-Origin &lt;see&gt; &quot;policy&quot; &amp; fix it",
    ]);
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<see>");
  });
});

describe("the Markdown summary of a run in several engines", () => {
  it("has a row per check and engine, under the check's name, and names every browser", () => {
    const inFirefox = { ...passing, engine: "firefox" as const, browser: "153.7.0" };
    const markdown = renderMarkdownSummary({
      checks: [
        { name: "Step 2: The basic server", reports: [passing, inFirefox] },
        {
          name: 'Step 6: "exactly" <one> origin & no other',
          reports: [report, { ...report, engine: "webkit" as const, browser: "2.50.6" }],
        },
      ],
      result,
    });
    const rows = markdown.split("\n").filter((line) => line.startsWith("| Step"));
    // Each name as the table cell writes it: Markdown's special characters made literal.
    expect(rows.map((row) => row.split(" | ").slice(0, 2).join(" | "))).toEqual([
      `| ${markdownText("Step 2: The basic server (Chromium)")} | ✅ passed`,
      `| ${markdownText("Step 2: The basic server (Firefox)")} | ✅ passed`,
      `| ${markdownText('Step 6: "exactly" <one> origin & no other (Chromium)')} | ❌ not yet`,
      `| ${markdownText('Step 6: "exactly" <one> origin & no other (WebKit)')} | ❌ not yet`,
    ]);
    expect(markdown).toContain("Graded in Chromium 156, Firefox 153.7.0, WebKit 2.50.6;");
  });
});
