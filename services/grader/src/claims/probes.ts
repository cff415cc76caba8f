// How each of the guide's claims about browsers is measured (issue #20): a probe opens the pages it
// needs (signed in as the victim where the claim is about cookies), makes its requests there, and
// says what it saw in a few plain words, which lab/claims.json compares with what the guide says.
// The requests go to the lab's specimens (services/app/src/specimens.ts), whose answers do not
// depend on the student's policy.
import type { PageRole } from "../../../shared/src/lab-origins.ts";
import type { EngineTab } from "../engines/engine.ts";
import { type Attempt, type Attempted, attempt } from "../in-page/measure.ts";

/** What a probe may do: open a lab page (signed in at some roles first), and know the origins. */
export interface ProbeLab {
  origin(role: PageRole): string;
  /** The page's console in a fresh context; `refused` lists the roles whose sign-in did not take. */
  open(
    page: PageRole,
    signedIn?: readonly PageRole[],
  ): Promise<{ tab: EngineTab; refused: readonly PageRole[] }>;
  /** A mark no other request of the run carries. */
  mark(): string;
  readonly timeoutMs: number;
}

export type Probe = (lab: ProbeLab) => Promise<string>;

/** The value of a header line as the app received it; undefined when there was none. */
function line(lines: Attempted["records"][number]["lines"] | undefined, name: string): string | undefined {
  return lines?.find(([each]) => each.toLowerCase() === name.toLowerCase())?.[1];
}

const hasSession = (lines: Attempted["records"][number]["lines"] | undefined) =>
  /(^|;\s*)lab_session=/.test(line(lines, "cookie") ?? "");

async function tried(
  lab: ProbeLab,
  tab: EngineTab,
  what: Omit<Attempt, "mark" | "timeoutMs">,
): Promise<Attempted> {
  return tab.evaluate(attempt, { ...what, mark: lab.mark(), timeoutMs: lab.timeoutMs });
}

/** Runs `body` with a page open, and closes it after. */
async function onPage<T>(
  lab: ProbeLab,
  page: PageRole,
  signedIn: readonly PageRole[],
  body: (tab: EngineTab, refused: readonly PageRole[]) => Promise<T>,
): Promise<T> {
  const { tab, refused } = await lab.open(page, signedIn);
  try {
    return await body(tab, refused);
  } finally {
    await tab.close().catch(() => undefined);
  }
}

const JSON_PUT = {
  method: "PUT",
  headers: { "Content-Type": "application/json", "X-Lab-Token": "lab" },
  body: "{}",
} as const;

export const PROBES: Readonly<Record<string, Probe>> = {
  /** Sec-Fetch-Site on a same-origin fetch: on a trustworthy origin, and on a plain-http name. */
  "sec-fetch-site": async (lab) => {
    const said: string[] = [];
    for (const role of ["localhost", "app"] as const) {
      const got = await onPage(lab, role, [], (tab) =>
        tried(lab, tab, { url: `${lab.origin(role)}/specimen/wildcard-headers` }),
      );
      said.push(`${role}: ${line(got.records[0]?.lines, "sec-fetch-site") ?? "none"}`);
    }
    return said.join("; ");
  },

  /** Which requests carry Origin: same-origin GET and PUT, a CORS GET, a no-cors GET. */
  "origin-header": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const own = `${lab.origin("app")}/specimen/wildcard-headers`;
      const other = `${lab.origin("api")}/specimen/wildcard-headers`;
      const cases: [string, Omit<Attempt, "mark" | "timeoutMs">][] = [
        ["same-origin GET", { url: own }],
        ["same-origin PUT", { url: own, init: { method: "PUT", body: "{}" } }],
        ["cross-origin GET", { url: other }],
        // The mode of an <img> or a <script> without `crossorigin` (the page's CSP allows neither
        // from another origin, so a fetch stands in for them).
        ["no-cors GET", { url: other, init: { mode: "no-cors" } }],
      ];
      const said: string[] = [];
      for (const [name, what] of cases) {
        const got = await tried(lab, tab, what);
        const record = got.records[0];
        const origin =
          record === undefined ? "did not arrive" : line(record.lines, "origin") ? "sent" : "none";
        said.push(`${name}: ${origin}`);
      }
      return said.join("; ");
    }),

  /** What a page gets from a `mode: "no-cors"` fetch of another origin that allows nobody. */
  "no-cors-opaque": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const got = await tried(lab, tab, {
        url: `${lab.origin("api")}/specimen/preflight-unauthorized`,
        init: { mode: "no-cors" },
      });
      return `${got.seen}, status ${got.status}`;
    }),

  /** The victim's SameSite=Lax cookie of app.local, on a credentialed fetch from the same site and from another. */
  "lax-cookie": async (lab) => {
    const said: string[] = [];
    for (const page of ["sibling", "attacker"] as const) {
      const got = await onPage(lab, page, ["app"], (tab) =>
        tried(lab, tab, {
          url: `${lab.origin("app")}/specimen/wildcard-headers`,
          init: { credentials: "include" },
        }),
      );
      said.push(
        `from ${page === "sibling" ? "the same site" : "another site"}: ${hasSession(got.records[0]?.lines) ? "sent" : "not sent"}`,
      );
    }
    return said.join("; ");
  },

  /** The SameSite=None; Secure cookie of http://localhost: kept at all, and sent from another site? */
  "cross-site-cookie": (lab) =>
    onPage(lab, "attacker", ["localhost"], async (tab, refused) => {
      if (refused.includes("localhost")) return "not kept";
      const got = await tried(lab, tab, {
        url: `${lab.origin("localhost")}/specimen/wildcard-headers`,
        init: { credentials: "include" },
      });
      return `kept; from another site: ${hasSession(got.records[0]?.lines) ? "sent" : "not sent"}`;
    }),

  /** A preflight of a credentialed request, from a page whose site has the victim's cookie. */
  "preflight-credentials": (lab) =>
    onPage(lab, "sibling", ["app"], async (tab) => {
      const got = await tried(lab, tab, {
        url: `${lab.origin("app")}/specimen/cached-preflight`,
        init: { ...JSON_PUT, credentials: "include" },
      });
      const preflight = got.records.find((record) => record.method === "OPTIONS");
      if (preflight === undefined) return "no preflight";
      return `preflight ${hasSession(preflight.lines) ? "carried" : "did not carry"} the cookie`;
    }),

  /** Two preflighted PUTs in a row to an answer with Access-Control-Max-Age: 600. */
  "preflight-cache": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const url = `${lab.origin("api")}/specimen/cached-preflight`;
      const mark = lab.mark();
      const put = (records: number) =>
        tab.evaluate(attempt, { url, init: JSON_PUT, mark, records, timeoutMs: lab.timeoutMs });
      const first = await put(2);
      const second = await put(3);
      const preflights = second.records.filter((record) => record.method === "OPTIONS").length;
      return `${first.seen} and ${second.seen}; ${preflights} preflight(s) for 2 requests`;
    }),

  /** A request with Authorization, to an answer with Access-Control-Allow-Headers: * (no credentials). */
  "wildcard-authorization": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const got = await tried(lab, tab, {
        url: `${lab.origin("api")}/specimen/wildcard-headers`,
        init: { headers: { Authorization: "Bearer lab" } },
      });
      return got.seen;
    }),

  /** A credentialed request with a custom header, to an answer whose Allow-Headers is `*`. */
  "wildcard-credentialed": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const got = await tried(lab, tab, {
        url: `${lab.origin("api")}/specimen/wildcard-credentialed`,
        init: { credentials: "include", headers: { "X-Lab-Token": "lab" } },
      });
      return got.seen;
    }),

  /** Preflights answered 401 (an authentication layer) and 307 (a redirect). */
  "preflight-status": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const said: string[] = [];
      for (const [status, specimen] of [
        ["401", "preflight-unauthorized"],
        ["307", "preflight-redirected"],
      ] as const) {
        const got = await tried(lab, tab, {
          url: `${lab.origin("api")}/specimen/${specimen}`,
          init: JSON_PUT,
        });
        said.push(`${status}: ${got.seen}`);
      }
      return said.join("; ");
    }),

  /** Set-Cookie, as a script sees it: same-origin, and cross-origin with the header exposed. */
  "set-cookie-hidden": (lab) =>
    onPage(lab, "app", [], async (tab) => {
      const said: string[] = [];
      for (const [name, role] of [
        ["same-origin", "app"],
        ["cross-origin", "api"],
      ] as const) {
        const got = await tried(lab, tab, { url: `${lab.origin(role)}/specimen/sets-a-cookie` });
        said.push(
          `${name}: ${got.seen === "allowed" ? (got.setCookie === null ? "not readable" : "readable") : got.seen}`,
        );
      }
      return said.join("; ");
    }),
};
