// The app's routes as one table: each path with the handlers of the methods it takes. The table
// answers the rest itself (model: jakearchibald/cors-playground's router.ts): a 405 with Allow for
// a method a path does not take, a plain 204 for OPTIONS (no CORS header: a preflight the policy
// did not answer gets nothing more), and a 404 naming the paths it has.
import { type RequestHandler, Router } from "express";
import { hasBody } from "../../shared/src/plain-answer.ts";

type Method = "GET" | "PUT" | "POST" | "DELETE";

export interface Route {
  /** An Express path; one with a parameter (`/lab/:step`) is not named in the 404 text. */
  readonly path: string;
  /** Handlers every request to the path goes through first, whatever its method (the CORS policy). */
  readonly before?: readonly RequestHandler[];
  readonly methods: Readonly<Partial<Record<Method, RequestHandler | readonly RequestHandler[]>>>;
}

/**
 * The table's own answers never read a body: with one on the way, the connection closes afterwards
 * (in stages, see plain-answer.ts) rather than reading it all to reuse the connection.
 */
const closeIfBody: RequestHandler = (req, res, next) => {
  if (hasBody(req)) res.set("Connection", "close");
  next();
};

/** The methods a route answers, in the Allow header's order: GET, then HEAD (Express's, with GET), then the rest. */
export function allowedMethods(route: Route): string[] {
  const declared = Object.keys(route.methods);
  return declared.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method]));
}

export interface RouteTable {
  readonly router: Router;
  /** The last handlers: a 404 that names the paths the table has. */
  readonly notFound: readonly RequestHandler[];
}

export function routeTable(routes: readonly Route[]): RouteTable {
  const router = Router();
  for (const route of routes) {
    const allowed = allowedMethods(route);
    const entry = router.route(route.path);
    if (route.before) entry.all(...route.before);
    for (const [method, handlers] of Object.entries(route.methods)) {
      entry[method.toLowerCase() as Lowercase<Method>](...[handlers].flat());
    }
    entry.options(closeIfBody, (_req, res) => {
      res
        .set("Allow", [...allowed, "OPTIONS"].join(", "))
        .status(204)
        .end();
    });
    entry.all(closeIfBody, (req, res) => {
      res
        .set("Allow", allowed.join(", "))
        .status(405)
        .type("text/plain")
        .send(`${req.method} is not allowed on ${req.path}; it answers ${allowed.join(", ")}.\n`);
    });
  }
  const listed = routes.filter((route) => !route.path.includes(":")).map((route) => route.path);
  const notFound: RequestHandler[] = [
    closeIfBody,
    (req, res) => {
      res
        .status(404)
        .type("text/plain")
        .send(`Not found: ${req.path}. This lab app serves ${listed.join(", ")}.\n`);
    },
  ];
  return { router, notFound };
}
