// `npm run grade:class -- DIR [--out FOLDER]`: grades every student folder of DIR (issue #11).
import { resolve } from "node:path";
import { ClassLab } from "./class-lab.ts";
import { type ClassConfig, readClassConfig } from "./config.ts";
import { gradeClass } from "./grade-class.ts";
import { ClassError, findSubmissions } from "./submissions.ts";

const say = (line: string) => process.stdout.write(line);
let config: ClassConfig;
try {
  // npm runs scripts in the project folder; a path is the user's, from where they typed it.
  config = readClassConfig(process.argv.slice(2), (path) =>
    resolve(process.env.INIT_CWD ?? process.cwd(), path),
  );
} catch (error) {
  process.stderr.write(`grade:class: ${(error as Error).message}\n`);
  process.exit(2);
}

const lab = new ClassLab(config);
const stop = () => {
  say("Stopping the class's lab …\n");
  void lab.stop().finally(() => process.exit(130));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
try {
  const submissions = await findSubmissions(config.classDir);
  say(`Grading ${submissions.length} students of ${config.classDir} with every step of the guide …\n`);
  await lab.start();
  const { rows, gradebook } = await gradeClass(lab, submissions, config.outDir, say);
  const full = rows.filter((row) => row.steps.every(Boolean)).length;
  say(`Gradebook: ${gradebook} (${rows.length} students, ${full} with every step).\n`);
} catch (error) {
  const message = (error as Error).message;
  process.stderr.write(`grade:class: ${error instanceof ClassError ? message : `stopped: ${message}`}\n`);
  process.exitCode = 2;
} finally {
  await lab.stop();
}
