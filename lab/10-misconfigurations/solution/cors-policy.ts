// Reference solution of step 10: the policy of step 9, with the trusted origins written as a set of
// exact strings. A request's Origin is compared whole against that set: no pattern, no prefix, no
// `null`, and never the request's own Origin sent back unchecked.
// The trusted origin is named by its role, `labOrigins.app` (http://app.local:8080 on the default
// origins), so that this file works in every origin set of the lab unedited; writing the origin out,
// "http://app.local:8080", is just as right on the default origins.
import cors from "cors";
import type { RequestHandler } from "express";
import { labOrigins } from "#lab/origins";

const TRUSTED_ORIGINS: ReadonlySet<string> = new Set([labOrigins.app]);

export const corsPolicy: RequestHandler | null = cors({
  origin: (origin, callback) => callback(null, origin !== undefined && TRUSTED_ORIGINS.has(origin)),
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  maxAge: 600,
  credentials: true,
});
