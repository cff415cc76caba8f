// Why the browser kept an answer from a page, worked out from the app's own record of the request
// (issue #12): a script never learns the reason (whatwg/fetch#605), but the app knows what it was
// asked and what it answered, and the CORS check is a fixed set of rules (services/shared/src/cors-rules.ts).
import type { RequestHandler } from "express";
import { CONSOLE, type Explanation } from "../../shared/src/console-contract.ts";
import { type CheckedAnswer, explainRule, failedRule, headerList } from "../../shared/src/cors-rules.ts";
import type { LoggedRequest, RequestLog } from "./request-log.ts";

const answerOf = (entry: LoggedRequest): CheckedAnswer => ({
  status: entry.status,
  headers: entry.corsHeaders,
});

/** Explains the console's request `mark` from the log: `credentials` as the page sent it. */
export function explain(
  entries: readonly LoggedRequest[],
  mark: string,
  credentials: boolean,
  target: string,
): Explanation {
  const ours = entries.filter((entry) => entry.path.endsWith(`${CONSOLE.requestParam}=${mark}`));
  if (ours.length === 0) return { reached: false };
  const failed = ours.find((entry) => entry.policyFailure !== undefined);
  if (failed?.policyFailure !== undefined) return { reached: true, policyFailure: failed.policyFailure };
  const preflight = ours.find((entry) => entry.preflight);
  const actual = ours.find((entry) => !entry.preflight);
  const seen = (actual ?? preflight) as LoggedRequest;
  const request = {
    origin: seen.origin ?? "null",
    method: actual?.method ?? preflight?.accessControlRequestMethod ?? "GET",
    credentials,
    unsafeHeaders: headerList(preflight?.accessControlRequestHeaders).map((name) => name.toLowerCase()),
  };
  const rule = failedRule(request, preflight && answerOf(preflight), actual && answerOf(actual)) ?? null;
  const explanation =
    rule === null
      ? `The app's answers pass the CORS check for ${request.origin}: the page could read them.`
      : explainRule(rule, request.origin, target, request);
  return { reached: true, rule, explanation, status: seen.status };
}

/** GET /explain.json?console=MARK&credentials=include&target=ORIGIN, same-origin, for the console. */
export function explainHandler(requests: RequestLog): RequestHandler {
  return (req, res) => {
    const mark = String(req.query[CONSOLE.requestParam] ?? "");
    if (!/^[a-z0-9.]{1,40}$/.test(mark)) {
      res
        .status(400)
        .type("text/plain")
        .send(`Bad request: ${CONSOLE.requestParam} must name a request of the console.\n`);
      return;
    }
    if (requests.capacity === 0) {
      res
        .status(503)
        .type("text/plain")
        .send("The request log is off (REQUEST_LOG_SIZE=0): nothing to explain from.\n");
      return;
    }
    const target = String(req.query.target ?? "the target");
    res
      .set("Cache-Control", "no-store")
      .json(explain(requests.entries(), mark, req.query.credentials === "include", target.slice(0, 200)));
  };
}
