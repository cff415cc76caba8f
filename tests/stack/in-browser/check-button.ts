// Runs inside the grader image, in the app's network namespace: the Check button of the guide's step
// pages as a student uses it, in Chromium. Prints one JSON line.
//   click STEP           presses the button on /lab/STEP: the answer's status and what the page shows
//   cross PAGE URL...    from the console page at PAGE, POSTs to each URL as another site's script
//                        could (no-cors), and reports the status each answer had on the wire
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../../services/grader/src/engines/chromium.ts";

const [mode, ...args] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [...CHROMIUM_FLAGS, "--host-resolver-rules=MAP *.localhost proxy"],
});
try {
  const page = await browser.newPage();
  if (mode === "click") {
    await page.goto(`http://localhost:3000/lab/${args[0]}`, { waitUntil: "load" });
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().includes("/check")),
      page.locator("#check-step").click(),
    ]);
    await page.waitForLoadState("load");
    const shown = await page.evaluate(() => {
      const text = (element: Element | null) => element?.textContent?.trim() ?? "";
      const result = document.querySelector("#check-result");
      return {
        state: result?.getAttribute("data-state") ?? null,
        verdict: text(document.querySelector(".check-verdict")),
        rows: [...document.querySelectorAll("table.check-pairs tbody tr")].map((row) =>
          [...row.querySelectorAll("td")].map((cell) => cell.textContent ?? ""),
        ),
        hints: [...document.querySelectorAll(".check-hints li")].map((item) => item.textContent ?? ""),
        text: text(result),
        url: location.href,
      };
    });
    console.log(JSON.stringify({ status: answer.status(), ...shown }));
  } else if (mode === "cross") {
    const [from, ...targets] = args as [string, ...string[]];
    await page.goto(from, { waitUntil: "load" });
    const statuses: Record<string, number> = {};
    page.on("response", (response) => {
      if (targets.includes(response.url())) statuses[response.url()] = response.status();
    });
    for (const target of targets) {
      await page.evaluate(
        (url) => fetch(url, { method: "POST", mode: "no-cors" }).catch(() => undefined),
        target,
      );
    }
    await page.waitForTimeout(200);
    console.log(JSON.stringify({ statuses }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await browser.close();
}
