// The three-engine matrix of one step (issue #14): Chromium, Firefox and WebKit started together in
// one run of the engines image, each engine's start and matrix; and each engine alone, for what
// running them together costs or saves on this machine's cores.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "../../services/grader/src/report/report.ts";
import { type ComposeProject, run } from "../support/docker.ts";
import { median, timedCompose } from "./measure.ts";

const ENGINES = ["chromium", "firefox", "webkit"] as const;

export interface EnginesSpeed {
  /** `docker compose run engines --step 3 --browser all`, seconds, median of runs. */
  readonly allSeconds: number;
  /** Per engine in that run: its start and its matrix, seconds (medians). */
  readonly perEngine: Readonly<
    Record<string, { launchSeconds: number; matrixSeconds: number; version: string }>
  >;
  /** Each engine in a run of its own, container and all, seconds (one run each). */
  readonly aloneSeconds: Readonly<Record<string, number>>;
  readonly imageMb: number;
}

export async function enginesSpeed(
  project: ComposeProject,
  reportsDir: string,
  runs: number,
  say: (line: string) => void,
): Promise<EnginesSpeed> {
  say("building the engines image (cached after the first time)");
  await timedCompose(project, ["--profile", "engines", "build", "engines"]);
  say(`step 3 in Chromium, Firefox and WebKit at once, ${runs} runs`);
  const engineRun = (browser: string) =>
    timedCompose(project, [
      "--profile",
      "engines",
      "run",
      "--rm",
      "engines",
      "--step",
      "3",
      "--browser",
      browser,
    ]);
  const totals: number[] = [];
  const timings = new Map<string, { launch: number[]; matrix: number[]; version: string }>();
  for (let i = 0; i < runs; i++) {
    totals.push(await engineRun("all"));
    const { steps } = JSON.parse(await readFile(join(reportsDir, "origin-matrix.json"), "utf8")) as {
      steps: Report[];
    };
    for (const report of steps) {
      const seen = timings.get(report.engine) ?? { launch: [], matrix: [], version: report.browser };
      seen.launch.push(report.timings.launchMs / 1000);
      seen.matrix.push(report.timings.matrixMs / 1000);
      timings.set(report.engine, seen);
    }
  }
  say("step 3 in each engine alone, once each");
  const aloneSeconds: Record<string, number> = {};
  for (const engine of ENGINES) aloneSeconds[engine] = await engineRun(engine);
  const size = await run("docker", ["image", "inspect", "--format", "{{.Size}}", "cors-lab-engines:local"]);
  return {
    allSeconds: median(totals),
    perEngine: Object.fromEntries(
      [...timings].map(([engine, { launch, matrix, version }]) => [
        engine,
        { launchSeconds: median(launch), matrixSeconds: median(matrix), version },
      ]),
    ),
    aloneSeconds,
    imageMb: Number(size.stdout.trim()) / 1e6,
  };
}

export function renderEnginesSpeed(speed: EnginesSpeed): string[] {
  return [
    `three engines, step 3 (16 pairs each)  ${`${speed.allSeconds.toFixed(2)} s`.padEnd(12)}(one run, started together, container and all)`,
    ...ENGINES.map((engine) => {
      const figures = speed.perEngine[engine];
      const alone = speed.aloneSeconds[engine] ?? Number.NaN;
      if (figures === undefined) return `  ${engine}: not measured`;
      return `  ${`${engine} ${figures.version}`.padEnd(36)}start ${figures.launchSeconds.toFixed(2)} s, matrix ${figures.matrixSeconds.toFixed(2)} s; alone, container and all ${alone.toFixed(2)} s`;
    }),
    `  engines image                       ${speed.imageMb.toFixed(0)} MB (built only when asked for)`,
  ];
}
