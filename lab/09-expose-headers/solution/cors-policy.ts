// Reference solution of step 9: besides everything step 8 allowed, a page from
// http://app.local:8080 may read the X-Request-Id header of the app's answers.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({
  origin: ["http://app.local:8080"],
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  exposedHeaders: ["X-Request-Id"],
  maxAge: 600,
  credentials: true,
});
