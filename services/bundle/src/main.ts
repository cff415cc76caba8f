// `npm run bundle [-- --out FILE]`: every image the lab and the grader need, saved and compressed into
// one archive, for a room without a network (issue #13). Load it with `docker load -i FILE`; then
// `docker compose up -d --wait --no-build --pull never` starts the lab with no build and no pull.
import { parseArgs } from "node:util";
import { BUNDLE_IMAGES, makeBundle } from "./bundle.ts";

const { values } = parseArgs({ options: { out: { type: "string", default: "cors-lab-bundle.tar.gz" } } });
const out = values.out as string;
process.stdout.write(`Building and saving ${BUNDLE_IMAGES.join(" and ")} to ${out} …\n`);
try {
  const { bytes, seconds } = await makeBundle(out);
  process.stdout.write(
    `Written ${out}: ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(0)} s.\n` +
      `On each machine, with the project folder beside it: docker load -i ${out}\n` +
      "then: docker compose up -d --wait --no-build --pull never\n",
  );
} catch (error) {
  process.stderr.write(`bundle: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
