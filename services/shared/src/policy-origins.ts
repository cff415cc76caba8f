// What a CORS policy file may import as `#lab/origins` (package.json "imports"): the lab's origins
// by role, as this lab runs. `labOrigins.app` is http://app.local:8080 on the default origins,
// http://app.localhost:8080 on the localhost set, and the forwarder's address of port 8080 in a
// cloud workspace; the reference solutions name their trusted origin this way, so that they work in
// every origin set unedited. Your own policy may write the origin out instead.
import { readLabOrigins, type ServedRole } from "./lab-origins.ts";

export const labOrigins: Readonly<Record<ServedRole, string>> = readLabOrigins(process.env).byRole;
