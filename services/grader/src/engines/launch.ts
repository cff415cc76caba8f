// Starts the engine a run asks for, from the executable the configuration names for it.
import { access, constants } from "node:fs/promises";
import { launchChromium } from "./chromium.ts";
import { ENGINE_TITLES, type Engine, type EngineName, type EngineOptions } from "./engine.ts";
import { launchFirefox } from "./firefox.ts";
import { launchWebKit } from "./webkit.ts";

const LAUNCHERS: Readonly<
  Record<EngineName, (executablePath: string, options: EngineOptions) => Promise<Engine>>
> = {
  chromium: launchChromium,
  firefox: launchFirefox,
  webkit: launchWebKit,
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
  return LAUNCHERS[engine](executablePath, options);
}
