// A MISTAKE, kept for step 10 of the guide: do not use this policy.
// The pattern is meant to say "app.local", but it is not anchored: it matches any origin that
// merely contains app.local, such as http://app.local.attacker.localhost:8080.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({
  origin: /app\.local/,
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  credentials: true,
});
