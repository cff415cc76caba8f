import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderJUnit } from "../../../../services/grader/src/report/junit.ts";
import type { Report } from "../../../../services/grader/src/report/report.ts";
import { renderTable } from "../../../../services/grader/src/report/terminal.ts";
import { report } from "./sample-report.ts";

describe("the JUnit report", () => {
  it("is well-formed XML with one test case per pair and the failure's hint", () => {
    const junit = renderJUnit([report]);
    expect(XMLValidator.validate(junit)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit);
    const suite = parsed.testsuites.testsuite;
    expect(parsed.testsuites).toMatchObject({ name: "cors-lab", tests: "2", failures: "1" });
    expect(suite.name).toBe('Step 6: "exactly" <one> origin & no other');
    expect(suite.testcase).toHaveLength(2);
    expect(suite.testcase[0]).toMatchObject({
      classname: "http://app.local:8080",
      name: "http://app.local:8080 -> http://api.local:8080",
      failure: {
        type: "mismatch",
        message: 'http://api.local:8080 answered without Access-Control-Allow-Origin <see> "policy" & fix it',
        "#text": "expected allowed, got blocked (CORS) (MissingAllowOriginHeader)",
      },
    });
    expect(suite.testcase[1].failure).toBeUndefined();
  });
});

describe("the JUnit report of several steps", () => {
  it("has a test suite per step and totals over all of them", () => {
    const passing: Report = {
      ...report,
      title: "Step 3: two origins",
      expectations: "step 3",
      summary: { ...report.summary, passed: 2, failed: 0 },
      pairs: report.pairs.map((pair) => ({ ...pair, pass: true, hint: undefined })),
    };
    const junit = renderJUnit([passing, report]);
    expect(XMLValidator.validate(junit)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit);
    expect(parsed.testsuites).toMatchObject({ tests: "4", failures: "1", time: "3.000" });
    expect(
      parsed.testsuites.testsuite.map((suite: { name: string; failures: string }) => [
        suite.name,
        suite.failures,
      ]),
    ).toEqual([
      ["Step 3: two origins", "0"],
      ['Step 6: "exactly" <one> origin & no other', "1"],
    ]);
  });
});

describe("the table", () => {
  it("marks the pair that is not as expected", () => {
    const lines = renderTable([{ ...report, request: "credentialed" }]).split("\n");
    expect(lines[0]).toMatch(/^page origin +target +request +expected +got +browser's reason$/);
    expect(lines[2]).toMatch(
      /^http:\/\/app\.local:8080 +http:\/\/api\.local:8080 +credentialed +allowed +blocked \(CORS\) +MissingAllowOriginHeader +MISMATCH$/,
    );
    expect(lines[3]).toMatch(/ ok$/);
  });
});

describe("a check run in several engines", () => {
  const inFirefox: Report = {
    ...report,
    engine: "firefox",
    browser: "153.7.0",
    pairs: report.pairs.map((pair) =>
      pair.got.result === "blocked" && pair.got.cause === "cors"
        ? {
            ...pair,
            got: {
              ...pair.got,
              reason: "CORSMissingAllowOrigin",
              rule: "CORSMissingAllowOrigin",
              said: "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
            },
          }
        : pair,
    ),
  };

  it("has a JUnit suite per engine, each naming its browser", () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      renderJUnit([report, inFirefox]),
    );
    const suites = parsed.testsuites.testsuite as { name: string; properties: { property: unknown } }[];
    expect(suites.map((suite) => suite.name)).toEqual([
      'Step 6: "exactly" <one> origin & no other (Chromium)',
      'Step 6: "exactly" <one> origin & no other (Firefox)',
    ]);
    expect(suites.map((suite) => suite.properties.property)).toEqual([
      { name: "browser", value: "Chromium 156" },
      { name: "browser", value: "Firefox 153.7.0" },
    ]);
  });

  it("shows each engine's rows in one table, with an engine column and each engine's reason", () => {
    const lines = renderTable([report, inFirefox]).split("\n");
    expect(lines[0]).toMatch(/^engine +page origin +target/);
    expect(lines.slice(2).map((line) => line.split(/ {2,}/)[0])).toEqual([
      "Chromium",
      "Chromium",
      "Firefox",
      "Firefox",
    ]);
    expect(lines[4]).toMatch(/ CORSMissingAllowOrigin +MISMATCH$/);
  });
});
