// A MISTAKE, kept for step 10 of the guide: do not use this policy.
// `origin: true` copies every request's Origin into Access-Control-Allow-Origin. Together with
// credentials, any page on the web may read what the app answers to its visitors.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({
  origin: true,
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  credentials: true,
});
