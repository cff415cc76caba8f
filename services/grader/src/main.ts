import { loadEnvFile } from "../../shared/src/env.ts";
import { runGrader } from "./run.ts";

const code = await runGrader(process.argv.slice(2), loadEnvFile(), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
// Playwright's and fetch's idle connections would keep the process alive a few seconds more.
process.exit(code);
