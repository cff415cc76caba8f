// The victim of step 10 (issue #12): one button signs the browser in, a session cookie remembers it,
// and /me answers private data (a name and a secret) only to a request that carries that cookie.
// Two kinds of session, as the web has them (issue #20). On the `localhost` origin the cookie is
// `SameSite=None; Secure`, as a cross-site app's session must be: it goes with requests from other
// sites wherever the browser allows third-party cookies (Chrome as shipped does). Everywhere else
// it is `SameSite=Lax`, what a browser assumes when a cookie says nothing: it goes with requests
// from the same site only (evil.app.local to app.local). `Secure` needs a potentially trustworthy
// origin (W3C Secure Contexts), which `localhost` is on plain http and `app.local` is not.
import { randomBytes } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { CONSOLE } from "../../shared/src/console-contract.ts";
import type { ServedRole } from "../../shared/src/lab-origins.ts";

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

/** The role whose sign-in sets a cross-site session: `SameSite=None; Secure`. */
export const CROSS_SITE_SESSION_ROLE: ServedRole = "localhost";

/** The session cookie's attributes on an origin of `role` (undefined: a name that is not the lab's). */
export function sessionCookieAttributes(role: ServedRole | undefined): string {
  return role === CROSS_SITE_SESSION_ROLE
    ? "Path=/; HttpOnly; SameSite=None; Secure"
    : "Path=/; HttpOnly; SameSite=Lax";
}

/** POST /sign-in: a session for this browser, on this page's site; back to the page. */
export function signIn(sessions: Sessions, roleOf: (req: Request) => ServedRole | undefined): RequestHandler {
  return (req, res) => {
    sessions.close(sessionToken(req));
    res
      .set("Set-Cookie", `${SESSION_COOKIE}=${sessions.open()}; ${sessionCookieAttributes(roleOf(req))}`)
      // Back to the page, told that it just signed in: it says so when the browser kept no cookie.
      .redirect(303, CONSOLE.signIn.back);
  };
}

/** POST /sign-out: the session forgotten and its cookie cleared. */
export function signOut(
  sessions: Sessions,
  roleOf: (req: Request) => ServedRole | undefined,
): RequestHandler {
  return (req, res) => {
    sessions.close(sessionToken(req));
    res
      .set("Set-Cookie", `${SESSION_COOKIE}=; ${sessionCookieAttributes(roleOf(req))}; Max-Age=0`)
      .redirect(303, "/");
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
