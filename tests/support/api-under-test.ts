// A student's API for the --api tests (issue #25): tests/support/api-under-test/server.mjs in a
// container of the test's own, on the stack's network, where the grader reaches it by name (as
// GRADER_HOST_MACHINE, in a student's lab host.docker.internal).
import { join } from "node:path";
import { DEFAULTS } from "../../services/shared/src/defaults.ts";
import { ROOT, startBeside } from "./docker.ts";
import type { StackInfo } from "./stack.ts";

export interface ApiUnderTest extends AsyncDisposable {
  /** The container's name on the stack's network. */
  readonly name: string;
}

export async function startApiUnderTest(info: StackInfo): Promise<ApiUnderTest> {
  const name = `${info.projectName}-api-under-test`;
  const container = await startBeside(info, name, "the API under test", [
    "--read-only",
    "--cap-drop",
    "ALL",
    "--volume",
    `${join(ROOT, "tests/support/api-under-test/server.mjs")}:/srv/server.mjs:ro`,
    DEFAULTS.NODE_IMAGE,
    "node",
    "/srv/server.mjs",
  ]);
  return { name, [Symbol.asyncDispose]: () => container[Symbol.asyncDispose]() };
}
