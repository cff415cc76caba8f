// What the stack tests share: the running Compose project, started once by stack-setup.ts.
import { inject } from "vitest";
import type { ComposeProject } from "./docker.ts";

export interface StackInfo extends ComposeProject {
  readonly appPort: number;
  readonly proxyPort: number;
  readonly reportsDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export const LAB_ORIGINS = [
  "http://localhost:3000",
  "http://127.0.0.1:3000",
  "http://app.local:8080",
  "http://api.local:8080",
] as const;

export function stack(): StackInfo {
  return inject("stack");
}
