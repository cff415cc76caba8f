// Reference solution of step 7: http://app.local:8080 may also send a PUT with a JSON body and an
// X-Lab-Token header. The preflight (OPTIONS) is answered with the methods and request headers
// allowed, and the browser may keep that answer for 10 minutes instead of asking again each time.
// The trusted origin is named by its role, `labOrigins.app` (http://app.local:8080 on the default
// origins), so that this file works in every origin set of the lab unedited; writing the origin out,
// "http://app.local:8080", is just as right on the default origins.
import cors from "cors";
import type { RequestHandler } from "express";
import { labOrigins } from "#lab/origins";

export const corsPolicy: RequestHandler | null = cors({
  origin: [labOrigins.app],
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  maxAge: 600,
});
