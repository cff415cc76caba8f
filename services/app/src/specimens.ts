// Fixed answers that show one rule of the CORS protocol each, whatever the student's policy says
// (issue #20): the lab's claims about browsers are measured against them (lab/claims.json), and a
// student can fetch them from the Console to see a rule for themselves. None of them reads a cookie
// or answers anything private; each answers GET, PUT and OPTIONS the same way, with the request's
// headers as JSON (an OPTIONS with no body).
import type { Request, RequestHandler, Response } from "express";

interface Specimen {
  /** What it shows, for the 404 that lists them. */
  readonly shows: string;
  /** The status of an OPTIONS request (a preflight), when it is not 204. */
  readonly preflightStatus?: number;
  /** The answer's headers; `ORIGIN` stands for the request's Origin (or `null` without one). */
  readonly headers: Readonly<Record<string, string>>;
}

const ORIGIN = "ORIGIN";

export const SPECIMENS: Readonly<Record<string, Specimen>> = {
  "wildcard-headers": {
    shows: "Access-Control-Allow-Headers: * without credentials (does it cover Authorization?)",
    headers: {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, PUT",
      "Access-Control-Allow-Headers": "*",
    },
  },
  "wildcard-credentialed": {
    shows: "* in Allow-Methods and Allow-Headers with credentials: a literal name, not a wildcard",
    headers: {
      "Access-Control-Allow-Origin": ORIGIN,
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "*",
      "Access-Control-Allow-Headers": "*",
      Vary: "Origin",
    },
  },
  "cached-preflight": {
    shows: "a preflight answer the browser may keep for 600 seconds (Access-Control-Max-Age)",
    headers: {
      "Access-Control-Allow-Origin": ORIGIN,
      "Access-Control-Allow-Methods": "GET, PUT",
      "Access-Control-Allow-Headers": "Content-Type, X-Lab-Token",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    },
  },
  "preflight-unauthorized": {
    shows: "a preflight answered 401, as an authentication layer in front of an API answers it",
    preflightStatus: 401,
    headers: {
      "Access-Control-Allow-Origin": ORIGIN,
      "Access-Control-Allow-Methods": "GET, PUT",
      "Access-Control-Allow-Headers": "Content-Type, X-Lab-Token, Authorization",
      Vary: "Origin",
    },
  },
  "preflight-redirected": {
    shows: "a preflight answered with a redirect (307), which a preflight may not follow",
    preflightStatus: 307,
    headers: {
      "Access-Control-Allow-Origin": ORIGIN,
      "Access-Control-Allow-Methods": "GET, PUT",
      "Access-Control-Allow-Headers": "Content-Type, X-Lab-Token",
      Location: "/specimen/cached-preflight",
      Vary: "Origin",
    },
  },
  "sets-a-cookie": {
    shows: "an answer with Set-Cookie, exposed to scripts as far as CORS can: still never readable",
    headers: {
      "Access-Control-Allow-Origin": ORIGIN,
      "Access-Control-Expose-Headers": "Set-Cookie",
      "Set-Cookie": "lab_specimen=1; Path=/specimen/sets-a-cookie; SameSite=Lax; Max-Age=60",
      Vary: "Origin",
    },
  },
};

export const SPECIMEN_NAMES = Object.keys(SPECIMENS);

/** The specimen a request names; undefined (and a 404 sent) when there is none of that name. */
function specimenOf(req: Request, res: Response): Specimen | undefined {
  const name = String(req.params.name);
  const specimen = Object.hasOwn(SPECIMENS, name) ? SPECIMENS[name] : undefined;
  if (specimen === undefined) {
    res
      .status(404)
      .type("text/plain")
      .send(`No specimen ${name}. The lab has ${SPECIMEN_NAMES.join(", ")}.\n`);
    return undefined;
  }
  const origin = req.headers.origin ?? "null";
  for (const [header, value] of Object.entries(specimen.headers)) {
    res.set(header, value === ORIGIN ? origin : value);
  }
  res.set("Cache-Control", "no-store");
  return specimen;
}

/** OPTIONS /specimen/:name, before the route table's own plain answer: the specimen's preflight answer. */
export const specimenPreflight: RequestHandler = (req, res, next) => {
  if (req.method !== "OPTIONS") return next();
  const specimen = specimenOf(req, res);
  if (specimen !== undefined) res.status(specimen.preflightStatus ?? 204).end();
};

/** GET and PUT /specimen/:name: the specimen's headers, and the request's as JSON. */
export function specimenAnswer(receivedHeaders: (raw: readonly string[]) => unknown): RequestHandler {
  return (req, res) => {
    if (specimenOf(req, res) !== undefined) res.json(receivedHeaders(req.rawHeaders));
  };
}
