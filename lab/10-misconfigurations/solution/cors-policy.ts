// Reference solution of step 10: the policy of step 9, with the trusted origins written as a set of
// exact strings. A request's Origin is compared whole against that set: no pattern, no prefix, no
// `null`, and never the request's own Origin sent back unchecked.
import cors from "cors";
import type { RequestHandler } from "express";

const TRUSTED_ORIGINS: ReadonlySet<string> = new Set(["http://app.local:8080"]);

export const corsPolicy: RequestHandler | null = cors({
  origin: (origin, callback) => callback(null, origin !== undefined && TRUSTED_ORIGINS.has(origin)),
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  maxAge: 600,
  credentials: true,
});
