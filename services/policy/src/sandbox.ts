// One policy sandbox (issue #19): the student's policy file, each version in a thread of its own,
// its memory watched, linked to the app. The entry file starts one per container; the tests start
// one in-process beside an app.
import { randomUUID } from "node:crypto";
import type { Logger } from "../../shared/src/log.ts";
import type { SandboxInfo } from "../../shared/src/policy-protocol.ts";
import { type AppLink, linkToApp } from "./app-link.ts";
import type { PolicyServiceConfig } from "./config.ts";
import { memoryLimitBytes, watchMemory } from "./memory-watch.ts";
import { PolicyFile } from "./policy-file.ts";

/** How often the policy file is read for changes: a save takes effect well within a second. */
const POLL_MS = 250;

export interface Sandbox {
  readonly info: SandboxInfo;
  readonly policy: PolicyFile;
  readonly link: AppLink;
  close(): Promise<void>;
}

export function startSandbox(config: PolicyServiceConfig, log: Logger): Sandbox {
  const info = { id: randomUUID(), startedAt: new Date().toISOString(), timeoutMs: config.timeoutMs };
  const policy = new PolicyFile(
    {
      file: config.policyFile,
      pollMs: config.watchPolicy ? POLL_MS : 0,
      timeoutMs: config.timeoutMs,
      memoryMb: config.memoryMb,
      socket: config.socket,
      sandbox: info.id,
    },
    log,
  );
  const limit = memoryLimitBytes(config.memoryMb);
  const stopWatching = watchMemory(limit, (rss) =>
    policy.endAll({
      problem: `the sandbox grew to ${Math.round(rss / 2 ** 20)} MB (its limit is ${Math.round(limit / 2 ** 20)} MB): does something in it keep growing?`,
    }),
  );
  const link = linkToApp(config.socket, policy, info, log);
  return {
    info,
    policy,
    link,
    close: async () => {
      stopWatching();
      link.close();
      await policy.close();
    },
  };
}
