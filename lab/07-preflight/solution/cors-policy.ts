// Reference solution of step 7: http://app.local:8080 may also send a PUT with a JSON body and an
// X-Lab-Token header. The preflight (OPTIONS) is answered with the methods and request headers
// allowed, and the browser may keep that answer for 10 minutes instead of asking again each time.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({
  origin: ["http://app.local:8080"],
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  maxAge: 600,
});
