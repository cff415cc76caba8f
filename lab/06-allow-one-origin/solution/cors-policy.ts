// Reference solution of step 6: the app lets exactly one origin, http://app.local:8080, read its
// responses. `cors` compares the request's Origin with the list: on a match it answers
// Access-Control-Allow-Origin with that origin; otherwise it sends no such header. Either way it
// adds Vary: Origin, because the answer depends on the Origin header.
// The trusted origin is named by its role, `labOrigins.app` (http://app.local:8080 on the default
// origins), so that this file works in every origin set of the lab unedited; writing the origin out,
// "http://app.local:8080", is just as right on the default origins.
import cors from "cors";
import type { RequestHandler } from "express";
import { labOrigins } from "#lab/origins";

export const corsPolicy: RequestHandler | null = cors({ origin: [labOrigins.app] });
