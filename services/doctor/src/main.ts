// `npm run doctor`: checks this machine for the lab, in order, a line each; exit code 0 when all is well.
import { loadEnvFile } from "../../shared/src/env-file.ts";
import { printPlan, runDoctor } from "./doctor.ts";
import { runCommand } from "./system.ts";

const print = (line: string) => process.stdout.write(line);
if (process.argv.includes("--plan")) {
  // What the doctor would look at, without looking (the test holds doctor.sh to the same).
  process.exitCode = printPlan(loadEnvFile(), print);
} else {
  process.exitCode = await runDoctor(loadEnvFile(), runCommand, print);
}
