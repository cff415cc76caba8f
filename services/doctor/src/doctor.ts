import { ConfigError, type Env } from "../../shared/src/env.ts";
import { readDoctorConfig } from "./config.ts";
import { CHECKS, type Verdict } from "./machine-checks.ts";
import { doctorPlan, renderPlan } from "./plan.ts";
import type { CommandRunner } from "./system.ts";

const LABEL: Readonly<Record<Verdict, string>> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

/** Prints the plan (`--plan`): 0, or 2 for a bad .env. */
export function printPlan(env: Env, print: (line: string) => void): number {
  try {
    print(renderPlan(doctorPlan(readDoctorConfig(env))));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(`FAIL ${error.message}: fix it in .env.\n`);
    return 2;
  }
}

/** Runs every check and prints a line per finding; 0 when nothing failed, 1 otherwise, 2 for a bad .env. */
export async function runDoctor(
  env: Env,
  system: CommandRunner,
  print: (line: string) => void,
): Promise<number> {
  let config: ReturnType<typeof readDoctorConfig>;
  try {
    config = readDoctorConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(`FAIL ${error.message}: fix it in .env.\n`);
    return 2;
  }
  print(`cors-lab doctor (origin set: ${config.origins.set})\n`);
  let failed = false;
  for (const [, check] of CHECKS) {
    for (const finding of await check(config, system)) {
      print(`${LABEL[finding.verdict]} ${finding.line}\n`);
      failed ||= finding.verdict === "fail";
    }
  }
  print(failed ? "Something above needs fixing before the lab can run.\n" : "All is well.\n");
  return failed ? 1 : 0;
}
