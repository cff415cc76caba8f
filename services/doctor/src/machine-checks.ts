// What the doctor checks, in order, each a small named check that says in one line what is wrong
// and what to do (issue #13): Docker and Compose, the ports, the names, the lab, the grader's image.
// Like the proxy's passes, a list run in order; unlike them, every check runs and reports.
import { lookup } from "node:dns/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { platform } from "node:os";
import { answeredByLab } from "../../shared/src/http-server.ts";
import type { DoctorConfig } from "./config.ts";
import { doctorPlan, MINIMUM } from "./plan.ts";
import { type CommandRunner, versionAtLeast } from "./system.ts";

export type Verdict = "ok" | "warn" | "fail";

export interface Finding {
  readonly verdict: Verdict;
  readonly line: string;
}

export type Check = (config: DoctorConfig, system: CommandRunner) => Promise<Finding[]>;

const ok = (line: string): Finding => ({ verdict: "ok", line });
const warn = (line: string): Finding => ({ verdict: "warn", line });
const fail = (line: string): Finding => ({ verdict: "fail", line });

async function docker(_config: DoctorConfig, system: CommandRunner): Promise<Finding[]> {
  const engine = await system("docker", ["version", "--format", "{{.Server.Version}}"]);
  if (engine.code !== 0) {
    const notRunning = /daemon|connect|pipe|socket/i.test(engine.stderr);
    return [
      fail(
        notRunning
          ? "Docker is installed but not running: start Docker Desktop (or the docker service) and wait until it is ready."
          : "Docker was not found: install Docker Desktop (or Docker Engine with the Compose plugin).",
      ),
    ];
  }
  const compose = await system("docker", ["compose", "version", "--short"]);
  const engineVersion = engine.stdout.trim();
  const composeVersion = compose.stdout.trim().replace(/^v/, "");
  const found: Finding[] = [];
  if (!versionAtLeast(engineVersion, MINIMUM.engine)) {
    found.push(
      fail(
        `Docker Engine ${engineVersion} is too old: the lab needs ${MINIMUM.engine} or newer; update Docker.`,
      ),
    );
  }
  if (compose.code !== 0) {
    found.push(
      fail(
        "Docker Compose v2 was not found (`docker compose`): install the Compose plugin or update Docker Desktop.",
      ),
    );
  } else if (!versionAtLeast(composeVersion, MINIMUM.compose)) {
    found.push(
      fail(
        `Docker Compose ${composeVersion} is too old: the lab needs ${MINIMUM.compose} or newer; update Docker.`,
      ),
    );
  }
  return found.length > 0 ? found : [ok(`Docker ${engineVersion} with Compose ${composeVersion}.`)];
}

/** What `/healthz` on address:port answers for `host`: its status and whether the lab gave it, or the error. */
function askHealthz(
  address: string,
  port: number,
  host: string,
  timeoutMs: number,
): Promise<{ readonly status: number; readonly lab: boolean } | { readonly error: string }> {
  return new Promise((resolve) => {
    const sent = request(
      { host: address, port, path: "/healthz", headers: { host }, timeout: timeoutMs },
      (answer) => {
        answer.resume();
        resolve({ status: answer.statusCode ?? 0, lab: answeredByLab(answer.headers) });
      },
    );
    sent.on("timeout", () => sent.destroy(Object.assign(new Error("no answer"), { code: "ETIMEDOUT" })));
    sent.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    sent.end();
  });
}

/** Whether something answers on the port, and whether it is the lab. */
async function whoListens(address: string, port: number): Promise<"lab" | "other" | "nobody"> {
  const answer = await askHealthz(address, port, `localhost:${port}`, 2000);
  if ("error" in answer) return answer.error === "ECONNREFUSED" ? "nobody" : "other";
  return answer.lab ? "lab" : "other";
}

function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

async function ports(config: DoctorConfig): Promise<Finding[]> {
  return Promise.all(
    config.ports.map(async ({ port, variable }) => {
      if (await canListen(config.bindAddress, port)) return ok(`Port ${port} is free.`);
      const who = await whoListens(config.bindAddress === "0.0.0.0" ? "127.0.0.1" : config.bindAddress, port);
      if (who === "lab") return ok(`Port ${port} is the lab's, already running.`);
      return fail(
        `Port ${port} is taken by another program: stop it, or give the lab another port with ${variable}=… in .env.`,
      );
    }),
  );
}

/** How long a name may take to resolve before the doctor says so: macOS asks Bonjour first for .local. */
export const SLOW_LOOKUP_MS = 500;

function hostsFile(): string {
  return platform() === "win32"
    ? "C:\\Windows\\System32\\drivers\\etc\\hosts (as administrator)"
    : "/etc/hosts (with sudo)";
}

/** "a", "a and b", "a, b and c". */
const listed = (items: readonly string[]) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

async function names(config: DoctorConfig): Promise<Finding[]> {
  if (config.origins.set === "forwarded")
    return [ok("Names: the forwarder's addresses are public, no hosts-file line needed.")];
  const { names: own, browserNames: browserOnly } = doctorPlan(config);
  const found: Finding[] = [];
  const missing: string[] = [];
  for (const host of own) {
    const started = performance.now();
    const addresses = await lookup(host, { all: true }).catch(() => []);
    const ms = Math.round(performance.now() - started);
    if (!addresses.some(({ address }) => address === "127.0.0.1" || address === "::1")) missing.push(host);
    else if (ms > SLOW_LOOKUP_MS) {
      found.push(
        warn(
          `${host} took ${ms} ms to resolve: on macOS add the IPv6 line too, \`::1 ${own.join(" ")}\`, to ${hostsFile()}.`,
        ),
      );
    } else found.push(ok(`${host} resolves to this machine (${ms} ms).`));
  }
  if (missing.length > 0) {
    found.push(
      fail(
        `${listed(missing)} ${missing.length > 1 ? "do" : "does"} not resolve to this machine: add these lines to ${hostsFile()}: ` +
          `\`127.0.0.1 ${own.join(" ")}\` and \`::1 ${own.join(" ")}\`; or, without admin rights, put LAB_ORIGIN_SET=localhost in .env.`,
      ),
    );
  }
  if (browserOnly.length > 0)
    found.push(
      ok(
        `${browserOnly.join(", ")}: Chrome, Edge and Firefox send names under .localhost to this machine themselves (Safari does not: for it, add them to the hosts-file lines).`,
      ),
    );
  return found;
}

/** A lab origin asked as a browser would, at the host port it is published on. */
async function answersAsTheLab(origin: string, address: string, port: number): Promise<boolean> {
  const answer = await askHealthz(address, port, new URL(origin).host, 3000);
  return !("error" in answer) && answer.status === 200 && answer.lab;
}

async function lab(config: DoctorConfig): Promise<Finding[]> {
  const { origins } = config;
  if (origins.set === "forwarded")
    return [ok("The lab's forwarded addresses are checked by the grader (npm run grade).")];
  const address = config.bindAddress === "0.0.0.0" ? "127.0.0.1" : config.bindAddress;
  const { asked } = doctorPlan(config);
  const silent: string[] = [];
  for (const { origin, port } of asked) {
    if (!(await answersAsTheLab(origin, address, port))) silent.push(origin);
  }
  if (silent.length === asked.length) {
    return [fail("The lab is not running: start it with `docker compose up -d --wait`.")];
  }
  if (silent.length > 0) {
    return [
      fail(
        `The lab does not answer at ${silent.join(", ")}: see \`docker compose ps\` and \`docker compose logs\`.`,
      ),
    ];
  }
  return [ok(`The lab answers at every origin: ${asked.map(({ origin }) => origin).join(", ")}.`)];
}

async function graderImage(_config: DoctorConfig, system: CommandRunner): Promise<Finding[]> {
  const image = await system("docker", [
    "image",
    "inspect",
    "--format",
    "{{.Size}}",
    "cors-lab-grader:local",
  ]);
  if (image.code === 0)
    return [ok(`The grader's image is there (${Math.round(Number(image.stdout) / 1e6)} MB).`)];
  return [
    fail(
      "The grader's image is not built yet: `docker compose --profile grade build grader` (it downloads Chromium once), or load the offline bundle.",
    ),
  ];
}

export const CHECKS: readonly (readonly [string, Check])[] = [
  ["docker", docker],
  ["ports", ports],
  ["names", names],
  ["lab", lab],
  ["grader image", graderImage],
];
