// The policy container's health check (issue #19): it has no network, so it asks the app over the
// link's socket whether a sandbox is linked and has loaded the policy file. Exit 0 when it has.
import { connect } from "node:net";
import { DEFAULTS } from "../../shared/src/defaults.ts";
import { readString } from "../../shared/src/env.ts";
import { encodeMessage, lineReader, parseLine } from "../../shared/src/policy-lines.ts";

const socket = connect(readString(process.env, "POLICY_SOCKET", DEFAULTS.POLICY_SOCKET));
socket.setTimeout(2_000, () => socket.destroy());
let healthy = false;
socket.on("connect", () => socket.write(encodeMessage({ type: "health" })));
socket.on(
  "data",
  lineReader(
    (line) => {
      const { linked, loaded } = (parseLine(line) ?? {}) as { linked?: unknown; loaded?: unknown };
      healthy = linked === true && loaded === true;
      socket.end();
    },
    () => socket.destroy(),
  ),
);
socket.on("error", () => undefined);
socket.on("close", () => process.exit(healthy ? 0 : 1));
