// Reference solution of step 9: besides everything step 8 allowed, a page from
// http://app.local:8080 may read the X-Request-Id header of the app's answers.
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
  exposedHeaders: ["X-Request-Id"],
  maxAge: 600,
  credentials: true,
});
