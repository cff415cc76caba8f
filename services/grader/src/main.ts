// The grader's entry: the warm grader with --serve, else one run of the command line. Whatever goes
// wrong in the grader itself ends with its own exit code (5) and one line, never with Node's exit
// code 1, which would read as "some pair not as expected" (issue #19).
import { loadEnvFile } from "../../shared/src/env-file.ts";
import { runAnywhere } from "./command-line.ts";
import { EXIT } from "./exit-codes.ts";
import { serveWarmGrader } from "./warm/start.ts";

const crashed = (error: unknown) => {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
  process.stderr.write(`grader: the grader itself failed: ${message}\n`);
  process.exit(EXIT.crashed);
};

const argv = process.argv.slice(2);
if (argv[0] === "--serve") {
  serveWarmGrader(loadEnvFile());
} else {
  process.on("uncaughtException", crashed);
  process.on("unhandledRejection", crashed);
  try {
    const code = await runAnywhere(argv, loadEnvFile(), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
    // Everything written must be out before the exit: a pipe takes a long JSON answer in pieces.
    await new Promise((resolve) => process.stdout.write("", resolve));
    await new Promise((resolve) => process.stderr.write("", resolve));
    // Playwright's and fetch's idle connections would keep the process alive a few seconds more.
    process.exit(code);
  } catch (error) {
    crashed(error);
  }
}
