// `npm run screenshots`: pictures of the request console and the request log, taken from the running
// lab (untouched: no policy) with the grader's Chromium and saved beside the steps that show them
// (issue #12). Runs in the grader's container, with the guide's folder mounted writable.
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { CONSOLE } from "../../shared/src/console-contract.ts";
import { loadEnvFile } from "../../shared/src/env-file.ts";
import type { LabOrigins } from "../../shared/src/lab-origins.ts";
import { readGraderConfig } from "./config.ts";
import { CHROMIUM_FLAGS } from "./engines/chromium.ts";
import { becomeOwnerOf } from "./report-owner.ts";

interface Shot {
  /** The step's folder under lab/, and the picture's file name there. */
  readonly folder: string;
  readonly file: string;
  /** Brings the page to what the picture shows. */
  readonly take: (page: Page, origins: LabOrigins) => Promise<void>;
}

/** Sends one request from the page's console and waits for its outcome. */
async function send(page: Page, target: string, path = "/headers"): Promise<void> {
  const { ids, data } = CONSOLE;
  await page.selectOption(`#${ids.path}`, path);
  await page.selectOption(`#${ids.target}`, target);
  await page.click(`#${ids.send}`);
  const done = CONSOLE.settled.map((state) => `#${ids.outcome}[data-${data.state}="${state}"]`).join(", ");
  await page.locator(done).waitFor();
}

const SHOTS: readonly Shot[] = [
  {
    folder: "03-cross-origin-request",
    file: "console-blocked.png",
    take: async (page, origins) => {
      await page.goto(`${origins.byRole.localhost}/`);
      await send(page, origins.byRole.loopback);
    },
  },
  {
    folder: "04-what-it-means",
    file: "request-log.png",
    take: async (page, origins) => {
      await page.goto(`${origins.byRole.localhost}/requests`);
    },
  },
  {
    folder: "08-credentials",
    file: "victim-signed-in.png",
    take: async (page, origins) => {
      await page.goto(`${origins.byRole.app}/`);
      await page.click("#sign-in");
      await page.locator("#signed-in").waitFor();
      await send(page, origins.byRole.app, "/me");
    },
  },
];

const env = loadEnvFile();
const config = readGraderConfig([], env);
if (config === undefined) throw new Error("unreachable: no --help here");
const { labDir } = config;
becomeOwnerOf(labDir);
const browser = await chromium.launch({
  executablePath: config.executables.chromium,
  args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${config.hostResolverRules}`],
});
try {
  for (const shot of SHOTS) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    await shot.take(page, config.origins);
    const path = join(labDir, shot.folder, shot.file);
    await page.screenshot({ path });
    process.stdout.write(`${path}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
