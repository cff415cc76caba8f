import { loadEnvFile } from "../../shared/src/env.ts";
import { runAnywhere, serveWarmGrader } from "./warm.ts";

const argv = process.argv.slice(2);
if (argv[0] === "--serve") {
  serveWarmGrader(loadEnvFile());
} else {
  const code = await runAnywhere(argv, loadEnvFile(), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  // Playwright's and fetch's idle connections would keep the process alive a few seconds more.
  process.exit(code);
}
