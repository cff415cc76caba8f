// Runs inside the grader image, in the app's network namespace: loads PAGE's request console in
// Chromium (with the grader's host rules and trusted certificates, from the same variables), sends
// one request of KIND to TARGET as a click would, and prints what the console showed, as one JSON
// line: its state, the failure it names, and its sentence.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../../services/grader/src/engines/chromium.ts";
import { useRequestConsole } from "../../../services/grader/src/in-page/use-console.ts";
import { spkiHashes } from "../../../services/grader/src/lab-client.ts";
import {
  CONSOLE,
  type ConsolePath,
  type RequestKind,
} from "../../../services/shared/src/console-contract.ts";

const {
  PAGE = "",
  TARGET = "",
  KIND = "simple",
  GRADER_HOST_RESOLVER_RULES,
  GRADER_TRUSTED_CA_FILE,
} = process.env;
const args = [...CHROMIUM_FLAGS];
if (GRADER_HOST_RESOLVER_RULES) args.push(`--host-resolver-rules=${GRADER_HOST_RESOLVER_RULES}`);
if (GRADER_TRUSTED_CA_FILE) {
  args.push(
    `--ignore-certificate-errors-spki-list=${spkiHashes(readFileSync(GRADER_TRUSTED_CA_FILE, "utf8")).join(",")}`,
  );
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args,
});
try {
  const page = await browser.newPage();
  await page.goto(`${PAGE}/`, { waitUntil: "load" });
  const outcome = await page.evaluate(useRequestConsole, {
    contract: CONSOLE,
    target: TARGET,
    path: "/headers" as ConsolePath,
    kind: KIND as RequestKind,
    run: 1,
    timeoutMs: 15_000,
  });
  const text = (await page.locator(`#${CONSOLE.ids.outcome}`).textContent()) ?? "";
  console.log(JSON.stringify({ ...outcome, text }));
} finally {
  await browser.close();
}
