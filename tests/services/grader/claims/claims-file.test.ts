// lab/claims.json (issue #20): every claim the guide makes about browsers has a probe, says what each
// engine shows, and is named in the step that makes it; a bad file is refused with its place named.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ClaimsError,
  expectedOf,
  loadClaims,
  parseClaims,
} from "../../../../services/grader/src/claims/claims-file.ts";
import { PROBES } from "../../../../services/grader/src/claims/probes.ts";
import { DEFAULT_LAB_DIR, readManifest } from "../../../../services/shared/src/lab-manifest.ts";

const EXPECT = { chromium: "a", firefox: "b", webkit: "c" };

describe("lab/claims.json", () => {
  it("has a claim for every probe, and a probe for every claim", async () => {
    const claims = await loadClaims(DEFAULT_LAB_DIR);
    expect(claims.map((claim) => claim.id).sort()).toEqual(Object.keys(PROBES).sort());
  });

  it("names each claim in the step that makes it, and the guide names no claim it does not have", async () => {
    const claims = await loadClaims(DEFAULT_LAB_DIR);
    const steps = await readManifest(DEFAULT_LAB_DIR);
    const named = new Map<number, string[]>();
    for (const step of steps) {
      const text = await readFile(join(DEFAULT_LAB_DIR, step.folder, "README.md"), "utf8");
      named.set(
        step.number,
        [...text.matchAll(/claim\s+`([a-z-]+)`/g)].map((match) => match[1] as string),
      );
    }
    for (const claim of claims) expect(named.get(claim.step), claim.id).toContain(claim.id);
    const ids = new Set(claims.map((claim) => claim.id));
    for (const [step, ids_] of named)
      for (const id of ids_) expect(ids.has(id), `step ${step}: ${id}`).toBe(true);
  });
});

describe("a claims file", () => {
  it("takes what an engine shows with third-party cookies blocked, where it differs", () => {
    const [claim] = parseClaims("c.json", {
      claims: [{ id: "cross-site-cookie", step: 10, says: "s", expect: EXPECT, blocked: { chromium: "z" } }],
    });
    expect(claim && expectedOf(claim, "chromium", "blocked")).toBe("z");
    expect(claim && expectedOf(claim, "chromium", "shipped")).toBe("a");
    expect(claim && expectedOf(claim, "firefox", "blocked")).toBe("b");
  });

  it.each([
    [{}, '"claims" must be a non-empty array'],
    [{ claims: [{ id: "nope", step: 1, says: "s", expect: EXPECT }] }, "claims[0].id must name a probe"],
    [
      { claims: [{ id: "lax-cookie", step: 0, says: "s", expect: EXPECT }] },
      "claims[0].step must be a step number",
    ],
    [
      { claims: [{ id: "lax-cookie", step: 8, says: " ", expect: EXPECT }] },
      "claims[0].says must be the claim",
    ],
    [
      { claims: [{ id: "lax-cookie", step: 8, says: "s", expect: { chromium: "a" } }] },
      "claims[0].expect has nothing for firefox, webkit",
    ],
    [
      { claims: [{ id: "lax-cookie", step: 8, says: "s", expect: { ...EXPECT, safari: "d" } }] },
      'claims[0].expect names "safari", not one of chromium, firefox, webkit',
    ],
    [
      {
        claims: [
          { id: "lax-cookie", step: 8, says: "s", expect: EXPECT },
          { id: "lax-cookie", step: 8, says: "t", expect: EXPECT },
        ],
      },
      "the claim lax-cookie is there twice",
    ],
  ])("refuses %j, saying where", (data, message) => {
    expect(() => parseClaims("c.json", data)).toThrow(ClaimsError);
    expect(() => parseClaims("c.json", data)).toThrow(`c.json: ${message}`);
  });
});
