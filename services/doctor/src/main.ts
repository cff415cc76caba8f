// `npm run doctor`: checks this machine for the lab, in order, a line each; exit code 0 when all is well.
import { loadEnvFile } from "../../shared/src/env.ts";
import { runDoctor } from "./doctor.ts";
import { runCommand } from "./system.ts";

process.exitCode = await runDoctor(loadEnvFile(), runCommand, (line) => process.stdout.write(line));
