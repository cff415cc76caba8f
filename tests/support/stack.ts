// What the stack tests of one test project share: the running Compose project, started once by
// stack-setup.ts, and the turns its files take on it.
import { inject } from "vitest";
import { readLabOrigins } from "../../services/shared/src/lab-origins.ts";
import type { ComposeProject } from "./docker.ts";

export interface StackInfo extends ComposeProject {
  readonly appPort: number;
  readonly proxyPort: number;
  readonly reportsDir: string;
  /** The policy folder the stack's sandbox reads: a scratch copy of the starter, which tests overwrite. */
  readonly policyDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
    /** The port of the stack's turn server on loopback (stack-turns.ts). */
    stackTurns: number;
  }
}

/** The lab origins the stack serves, worked out from its variables as the services do. */
export function labOrigins(info: StackInfo): string[] {
  return [...readLabOrigins(info.env).lab];
}

export function stack(): StackInfo {
  return inject("stack");
}
