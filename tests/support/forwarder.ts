// Starts and stops the port-forwarder double (forwarder/server.ts) beside a test's Compose stack:
// its certificates made at test time by a CA of the test's own, its container on the stack's
// network under the name `forwarder`, and its 443 published on a free loopback port for the test.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { retryUntil } from "../../services/shared/src/retry.ts";
import { type ComposeProject, ROOT, run, startBeside } from "./docker.ts";
import { freePort } from "./http.ts";

export const FORWARDED_DOMAIN = "forwarded.test";

export interface Forwarder extends AsyncDisposable {
  /** The folder holding ca.pem, the certificate the grader must trust. */
  readonly certificates: string;
  /** The CA certificate, PEM. */
  readonly ca: string;
  /** The forwarder's address on the stack's network. */
  readonly address: string;
  /** Its 443, on 127.0.0.1. */
  readonly hostPort: number;
}

async function openssl(args: readonly string[]): Promise<void> {
  const result = await run("openssl", args);
  if (result.code !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** A CA, and a certificate for *.DOMAIN signed by it, in a new folder. */
async function makeCertificates(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cors-lab-forwarder-"));
  const at = (file: string) => join(dir, file);
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=cors-lab test CA",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
  ]);
  await openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=*.${FORWARDED_DOMAIN}`,
    "-keyout",
    at("forwarder.key"),
    "-out",
    at("forwarder.csr"),
  ]);
  await writeFile(at("san.ext"), `subjectAltName=DNS:*.${FORWARDED_DOMAIN}\n`);
  await openssl([
    "x509",
    "-req",
    "-in",
    at("forwarder.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    at("san.ext"),
    "-out",
    at("forwarder.pem"),
  ]);
  const chain = `${await readFile(at("forwarder.pem"), "utf8")}${await readFile(at("ca.pem"), "utf8")}`;
  await writeFile(at("forwarder.chain.pem"), chain);
  await chmod(dir, 0o755);
  for (const file of ["ca.pem", "forwarder.key", "forwarder.chain.pem"]) await chmod(at(file), 0o644);
  return dir;
}

/**
 * Starts the forwarder for a stack: `ports` maps each public port to what the workspace publishes
 * there (`app:3000`), as docker-compose.forwarded.yml would.
 */
export async function startForwarder(
  project: ComposeProject,
  ports: Readonly<Record<number, string>>,
  /** Which public ports are private: none, some, or all. */
  options: { private: readonly number[] | "all" },
): Promise<Forwarder> {
  const certificates = await makeCertificates();
  const name = `${project.projectName}-forwarder`;
  const hostPort = await freePort();
  const container = await startBeside(project, name, "the forwarder", [
    "--network-alias",
    "forwarder",
    "-p",
    `127.0.0.1:${hostPort}:443`,
    "-v",
    `${join(ROOT, "tests/support/forwarder/server.ts")}:/forwarder/server.ts:ro`,
    "-v",
    `${certificates}:/certs:ro`,
    "-e",
    `FORWARDER_DOMAIN=${FORWARDED_DOMAIN}`,
    "-e",
    `FORWARDER_PRIVATE=${options.private === "all" ? "all" : options.private.join(",")}`,
    "-e",
    `FORWARDER_PORTS=${Object.entries(ports)
      .map(([port, target]) => `${port}=${target}`)
      .join(",")}`,
    "--entrypoint",
    "node",
    "cors-lab:local",
    "/forwarder/server.ts",
  ]);
  const listening = await retryUntil(
    async () => (await run("docker", ["logs", name])).stdout,
    (logs) => logs.includes("forwarder listening"),
    { timeoutMs: 10_000 },
  );
  if (!listening.includes("forwarder listening"))
    throw new Error(`The forwarder did not start: ${listening}`);
  const inspected = await run("docker", [
    "inspect",
    "--format",
    `{{(index .NetworkSettings.Networks "${project.projectName}_default").IPAddress}}`,
    name,
  ]);
  return {
    certificates,
    ca: await readFile(join(certificates, "ca.pem"), "utf8"),
    address: inspected.stdout.trim(),
    hostPort,
    async [Symbol.asyncDispose]() {
      await container[Symbol.asyncDispose]();
      await rm(certificates, { recursive: true, force: true });
    },
  };
}
