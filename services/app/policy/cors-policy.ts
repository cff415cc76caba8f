// ╔══════════════════════════════════════════════════════════════════════════════════════════════╗
// ║  THE FILE YOU EDIT in the cors-lab guide: the app's CORS policy.                              ║
// ║  The running lab picks up every save within a second; no rebuild, no restart.                 ║
// ║  Its log says `app: CORS policy loaded`, or what is wrong with the file. A policy that        ║
// ║  throws, loops or never calls next() fails only that request, saying why (guide, step 6).     ║
// ╚══════════════════════════════════════════════════════════════════════════════════════════════╝
//
// Export `corsPolicy`: an Express middleware that sets the CORS headers (the `cors` package makes
// one: https://github.com/expressjs/cors#configuration-options), or null for no policy at all.
// With null, the app falls back to the CORS_* variables of .env, which are empty by default:
// no Access-Control-* header is ever sent, and every cross-origin read is blocked.
import type { RequestHandler } from "express";

export const corsPolicy: RequestHandler | null = null;
