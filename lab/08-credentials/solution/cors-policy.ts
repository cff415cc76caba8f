// Reference solution of step 8: http://app.local:8080 may also read answers to requests made with
// credentials (cookies). That takes Access-Control-Allow-Credentials: true, and an
// Access-Control-Allow-Origin naming the page's origin exactly: a wildcard is refused.
import cors from "cors";
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = cors({
  origin: ["http://app.local:8080"],
  methods: ["GET", "HEAD", "PUT"],
  allowedHeaders: ["Content-Type", "X-Lab-Token"],
  maxAge: 600,
  credentials: true,
});
