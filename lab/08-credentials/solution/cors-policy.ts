// Reference solution of step 8: http://app.local:8080 may also read answers to requests made with
// credentials (cookies). That takes Access-Control-Allow-Credentials: true, and an
// Access-Control-Allow-Origin naming the page's origin exactly: a wildcard is refused.
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
  credentials: true,
});
