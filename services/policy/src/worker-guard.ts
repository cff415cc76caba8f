// What a policy's thread closes before it loads the policy (issue #19). The container the sandbox
// runs in is the boundary (no network, nothing writable, no new process, its own PID namespace) and
// Node's permission model the next wall (no child process, no inspector, no addon, reads only of
// what the policy needs); this is the innermost one, and the one with words for the learner: the
// ways out of one thread into the rest of the process, each turned into a named mistake.
import { registerHooks } from "node:module";
import { PolicyMistake } from "./problems.ts";

/**
 * Modules that reach past the policy's own thread: other threads (and through them the next version
 * of the file), the process's V8 flags, the module loader, processes, the inspector.
 */
const DENIED_MODULES = new Set([
  "child_process",
  "cluster",
  "inspector",
  "inspector/promises",
  "module",
  "repl",
  "trace_events",
  "v8",
  "wasi",
  "worker_threads",
]);

const why = (what: string) =>
  `it uses ${what}, which a policy may not: a policy only decides on headers, in a sandbox of its own`;

function deniedModule(specifier: string): string | undefined {
  const name = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  return DENIED_MODULES.has(name) ? `node:${name}` : undefined;
}

function refuse(what: string): never {
  throw new PolicyMistake(why(what));
}

/** Replaces `process[name]` for good with a function that says why it is not there. */
function closeProcessMethod(name: string, what: string): void {
  Object.defineProperty(process, name, {
    value: () => refuse(what),
    writable: false,
    configurable: false,
  });
}

export function lockDown(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const denied = deniedModule(specifier);
      if (denied !== undefined) refuse(denied);
      return nextResolve(specifier, context);
    },
  });
  const getBuiltinModule = process.getBuiltinModule.bind(process);
  Object.defineProperty(process, "getBuiltinModule", {
    value: (id: string) => {
      const denied = deniedModule(id);
      return denied === undefined ? getBuiltinModule(id) : refuse(denied);
    },
    writable: false,
    configurable: false,
  });
  // Another thread of the process would outlive this version of the file and could hand its state
  // to the next one.
  Object.defineProperty(globalThis, "BroadcastChannel", {
    get: () => refuse("BroadcastChannel"),
    configurable: false,
  });
  closeProcessMethod("kill", "process.kill()");
  closeProcessMethod("_kill", "process.kill()");
  closeProcessMethod("reallyExit", "process.reallyExit()");
  closeProcessMethod("dlopen", "process.dlopen()");
  closeProcessMethod("setUncaughtExceptionCaptureCallback", "process.setUncaughtExceptionCaptureCallback()");
}
