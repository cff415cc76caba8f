// Container health check without curl: exits 0 when the URL answers 200 within the timeout.
// Usage: node services/shared/src/healthcheck.ts [url]   (default: HEALTHCHECK_URL)
const url = process.argv[2] ?? process.env.HEALTHCHECK_URL ?? "http://127.0.0.1:3000/healthz";

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (response.status !== 200) {
    console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`healthcheck: ${url} did not answer: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
