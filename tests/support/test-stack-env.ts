// The variables and folders of a lab started by the tests: every setting a developer's own .env or
// shell could change is given here, so that nothing of theirs leaks in.
import { chmod, chown, copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./docker.ts";
import { freePort } from "./http.ts";

const REPORTS_OWNER = 4242;

export interface TestStackEnv {
  /** The folder everything below is in: the caller removes it. */
  readonly scratch: string;
  readonly env: Record<string, string>;
  readonly envFile: string;
  readonly reportsDir: string;
  /** The policy folder the sandbox reads, a copy of the starter: tests serve a policy by saving the file there. */
  readonly policyDir: string;
}

export async function makeTestStackEnv(): Promise<TestStackEnv> {
  const scratch = await mkdtemp(join(tmpdir(), "cors-lab-test-"));
  const reportsDir = join(scratch, "reports");
  const policyDir = join(scratch, "policy");
  await mkdir(policyDir);
  await chmod(policyDir, 0o755);
  await copyFile(join(ROOT, "services/app/policy/cors-policy.ts"), join(policyDir, "cors-policy.ts"));
  await chmod(join(policyDir, "cors-policy.ts"), 0o644);
  const envFile = join(scratch, "empty.env");
  // An empty env file, so a developer's own .env (say, with a CORS policy turned on) cannot leak in.
  await writeFile(envFile, "");
  await mkdir(reportsDir);
  // The grader writes as the owner of this folder. Run as root (as in CI), give it an owner that is
  // neither root nor the image's own user, so the tests see the grader really take on the owner's id.
  if (process.getuid?.() === 0) await chown(reportsDir, REPORTS_OWNER, REPORTS_OWNER);
  await chmod(reportsDir, 0o755);
  const env: Record<string, string> = {
    BIND_ADDRESS: "127.0.0.1",
    APP_PORT: "3000",
    // Free host ports picked now rather than Docker's ephemeral ones, which change when a test restarts
    // a container; either way a lab already running on 3000/8080 is left alone.
    APP_HOST_PORT: String(await freePort()),
    PROXY_HOST_PORT: String(await freePort()),
    PROXY_PORT: "8080",
    REPORTS_DIR: reportsDir,
    LAB_ORIGINS: "",
    PROXY_ROUTES: "",
    CORS_ALLOW_ORIGINS: "",
    CORS_ALLOW_METHODS: "",
    CORS_ALLOW_HEADERS: "",
    CORS_EXPOSE_HEADERS: "",
    CORS_ALLOW_CREDENTIALS: "",
    CORS_MAX_AGE: "",
    GRADER_EXPECT: "",
    CORS_POLICY_DIR: policyDir,
    // Short enough for the slow-client and hung-app tests to finish quickly.
    HTTP_HEADERS_TIMEOUT_MS: "2000",
    HTTP_REQUEST_TIMEOUT_MS: "30000",
    PROXY_UPSTREAM_TIMEOUT_MS: "3000",
    PROXY_MAX_BODY_BYTES: "1048576",
  };
  return { scratch, env, envFile, reportsDir, policyDir };
}
