// Runs inside the grader image (Chromium + playwright-core), in the app's network namespace: loads the
// lab page, has it fetch /headers carrying a hostile header, then loads the request log, where the test
// has made the app record a hostile Origin; reports whether both values stayed text.
// Prints one JSON line; exit code 0 when every value was shown as text and nothing was injected.
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../../services/grader/src/engines/chromium.ts";

const HOSTILE = `<img src=x onerror="window.__pwned=1">`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: CHROMIUM_FLAGS,
});
try {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-lab-probe": HOSTILE } });
  const page = await context.newPage();
  await page.goto("http://localhost:3000/", { waitUntil: "load" });
  await page.selectOption("#target", "http://localhost:3000");
  await page.click("#send");
  await page.locator('#outcome[data-state="allowed"]').waitFor({ timeout: 10_000 });
  const result = await page.evaluate(() => ({
    shown: document.getElementById("response")?.textContent ?? "",
    injectedImages: document.querySelectorAll("main img").length,
    pwned: "__pwned" in window,
  }));
  const escaped = result.shown.includes(JSON.stringify(HOSTILE).slice(1, -1));

  await page.goto("http://localhost:3000/requests", { waitUntil: "load" });
  const log = await page.evaluate((hostile) => {
    const table = document.getElementById("request-log");
    return {
      escaped: (table?.textContent ?? "").includes(hostile),
      injectedImages: document.querySelectorAll("main img").length,
      pwned: "__pwned" in window,
    };
  }, HOSTILE);

  console.log(JSON.stringify({ ...result, escaped, log }));
  const clean = escaped && result.injectedImages === 0 && !result.pwned;
  process.exitCode = clean && log.escaped && log.injectedImages === 0 && !log.pwned ? 0 : 1;
} finally {
  await browser.close();
}
