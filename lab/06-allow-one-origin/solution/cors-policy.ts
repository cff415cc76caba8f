// Reference solution of step 6: the app lets exactly one origin, http://app.local:8080, read its
// responses. `cors` compares the request's Origin with the list: on a match it answers
// Access-Control-Allow-Origin with that origin; otherwise it sends no such header. Either way it
// adds Vary: Origin, because the answer depends on the Origin header.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({ origin: ["http://app.local:8080"] });
