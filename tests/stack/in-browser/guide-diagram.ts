// Runs inside the grader image: loads step 1 of the guide the lab serves, waits for its Mermaid
// diagram to be drawn, and prints one JSON line: whether it became an SVG, its text, and every error
// the page reported (console errors, uncaught exceptions, refused by the Content-Security-Policy).
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../../services/grader/src/engines/chromium.ts";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: CHROMIUM_FLAGS,
});
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("http://localhost:3000/lab/1", { waitUntil: "load" });
  const svg = await page
    .locator("pre.mermaid svg")
    .first()
    .waitFor({ timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  const text = svg ? await page.locator("pre.mermaid svg").first().textContent() : "";
  console.log(JSON.stringify({ svg, text, errors }));
} finally {
  await browser.close();
}
