// Starts the engine a run asks for, from the executable the configuration names for it.
import { access, constants } from "node:fs/promises";
import { ENGINE_TITLES, type Engine, type EngineName, type EngineOptions } from "./engine.ts";

type Launcher = (executablePath: string, options: EngineOptions) => Promise<Engine>;

// Loaded when asked for: puppeteer-core, which Firefox's needs, is only in the engines image.
const LAUNCHERS: Readonly<Record<EngineName, () => Promise<Launcher>>> = {
  chromium: async () => (await import("./chromium.ts")).launchChromium,
  firefox: async () => (await import("./firefox.ts")).launchFirefox,
  webkit: async () => (await import("./webkit.ts")).launchWebKit,
};

export class EngineMissingError extends Error {
  constructor(engine: EngineName, executablePath: string) {
    super(
      `${ENGINE_TITLES[engine]} is not installed here (no ${executablePath}). The grader image has Chromium only; ` +
        "Firefox and WebKit are in the engines image: grade with `npm run grade:engines`.",
    );
    this.name = "EngineMissingError";
  }
}

export async function launchEngine(
  engine: EngineName,
  executablePath: string,
  options: EngineOptions,
): Promise<Engine> {
  const present = await access(executablePath, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!present) throw new EngineMissingError(engine, executablePath);
  return (await LAUNCHERS[engine]())(executablePath, options);
}
