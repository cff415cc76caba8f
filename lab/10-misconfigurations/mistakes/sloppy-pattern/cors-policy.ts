// A MISTAKE, kept for step 10 of the guide: do not use this policy.
// The check is meant to say "app.local", but it looks for the name anywhere in the origin: it lets
// in any origin that merely contains app.local, such as http://app.local.attacker.localhost:8080
// (the trusted name is labOrigins.app's, so that this mistake shows in the localhost origin set too).
import cors from "cors";
import type { RequestHandler } from "express";
import { labOrigins } from "#lab/origins";

const TRUSTED_NAME = new URL(labOrigins.app).hostname;

export const corsPolicy: RequestHandler | null = cors({
  origin: (origin, allow) => allow(null, origin?.includes(TRUSTED_NAME) === true),
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  credentials: true,
});
