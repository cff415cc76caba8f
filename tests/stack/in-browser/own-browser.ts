// Runs inside the grader image, in the app's network namespace: the "Check in this browser" button
// of a step's page (issue #24) as a student presses it, in Chromium. Prints one JSON line.
//   STEP [gesture|blocked] [unresolved NAME]
//     gesture (default): a click as a user's; blocked: a browser whose pop-up blocker refuses the
//     window (Chromium's headless shell has none: window.open answers null, as a blocker's does);
//     unresolved NAME: NAME does not resolve in this browser
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../../services/grader/src/engines/chromium.ts";

const [step, how = "gesture", unresolvedFlag, name] = process.argv.slice(2);
const rules = [
  "MAP *.localhost proxy",
  ...(unresolvedFlag === "unresolved" ? [`MAP ${name} ~NOTFOUND`] : []),
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${rules.join(", ")}`],
});
try {
  const page = await browser.newPage();
  if (how === "blocked") await page.addInitScript(() => Object.assign(window, { open: () => null }));
  await page.goto(`http://localhost:3000/lab/${step}`, { waitUntil: "load" });
  await page.locator("#check-in-browser").click();
  await page.waitForFunction(
    () =>
      ["passed", "failed", "error", "blocked"].includes(
        document.getElementById("in-browser-result")?.dataset.state ?? "",
      ),
    undefined,
    { timeout: 120_000 },
  );
  const shown = await page.evaluate(() => {
    const result = document.getElementById("in-browser-result");
    return {
      state: result?.dataset.state ?? null,
      role: result?.getAttribute("role") ?? null,
      live: result?.getAttribute("aria-live") ?? null,
      verdict: document.querySelector("#in-browser-result .check-verdict")?.textContent ?? "",
      rows: [...document.querySelectorAll("#in-browser-result table.check-pairs tbody tr")].map((row) =>
        [...row.querySelectorAll("td")].map((cell) => cell.textContent ?? ""),
      ),
      hints: [...document.querySelectorAll("#in-browser-result .check-hints li")].map(
        (item) => item.textContent ?? "",
      ),
      text: result?.textContent ?? "",
      windows: 0,
    };
  });
  console.log(JSON.stringify({ ...shown, windows: browser.contexts()[0]?.pages().length ?? 0 }));
} finally {
  await browser.close();
}
