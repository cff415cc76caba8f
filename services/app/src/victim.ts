// The victim of step 10 (issue #12): one button signs the browser in, a session cookie remembers it,
// and /me answers private data (a name and a secret) only to a request that carries that cookie.
// The cookie is `HttpOnly; SameSite=Lax; Path=/`, not `Secure`: the lab runs on plain http, where
// WebKit does not store a Secure cookie at all. SameSite=Lax is what a browser assumes anyway, and
// what decides the lesson: current browsers send the cookie on a fetch from the same site (a
// sibling name such as evil.app.local), not from another site.
import { randomBytes } from "node:crypto";
import type { Request, RequestHandler } from "express";

export const SESSION_COOKIE = "lab_session";
export const VICTIM_NAME = "Ada Lovelace (the victim)";
/** Sessions the app remembers at most; the oldest goes first. */
const MAX_SESSIONS = 1000;

export class Sessions {
  readonly #secrets = new Map<string, string>();

  /** A new session: its cookie value, and the secret only it may read. */
  open(): string {
    const token = randomBytes(18).toString("base64url");
    this.#secrets.set(token, `secret-${randomBytes(8).toString("hex")}`);
    if (this.#secrets.size > MAX_SESSIONS) this.#secrets.delete(this.#secrets.keys().next().value as string);
    return token;
  }

  close(token: string | undefined): void {
    if (token !== undefined) this.#secrets.delete(token);
  }

  /** The secret of the session a request carries, if it carries one the app knows. */
  secretOf(req: Request): string | undefined {
    const token = sessionToken(req);
    return token === undefined ? undefined : this.#secrets.get(token);
  }
}

export function sessionToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return undefined;
}

const COOKIE_ATTRIBUTES = "Path=/; HttpOnly; SameSite=Lax";

/** POST /sign-in: a session for this browser, on this page's site; back to the page. */
export function signIn(sessions: Sessions): RequestHandler {
  return (req, res) => {
    sessions.close(sessionToken(req));
    res.set("Set-Cookie", `${SESSION_COOKIE}=${sessions.open()}; ${COOKIE_ATTRIBUTES}`).redirect(303, "/");
  };
}

/** POST /sign-out: the session forgotten and its cookie cleared. */
export function signOut(sessions: Sessions): RequestHandler {
  return (req, res) => {
    sessions.close(sessionToken(req));
    res.set("Set-Cookie", `${SESSION_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`).redirect(303, "/");
  };
}

/** GET /me: the signed-in victim's private data, or 401 without the session. */
export function me(sessions: Sessions): RequestHandler {
  return (req, res) => {
    const secret = sessions.secretOf(req);
    res.set("Cache-Control", "no-store");
    if (secret === undefined) {
      res
        .status(401)
        .json({ signedIn: false, hint: "Sign in as the victim on the page of the site this is." });
      return;
    }
    res.json({ signedIn: true, name: VICTIM_NAME, secret });
  };
}
