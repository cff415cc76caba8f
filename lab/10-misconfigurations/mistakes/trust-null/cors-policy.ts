// A MISTAKE, kept for step 10 of the guide: do not use this policy.
// "null" looks like "no origin", but it is what every sandboxed frame sends, and anyone can put
// their script in a sandboxed frame.
import cors from "cors";
import type { RequestHandler } from "express";
import { labOrigins } from "#lab/origins";

export const corsPolicy: RequestHandler | null = cors({
  origin: [labOrigins.app, "null"],
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  credentials: true,
});
