// Firefox and WebKit send every `*.localhost` name to loopback themselves, and neither takes
// Chromium's --host-resolver-rules, nor a proxy for those names (WebKit skips the proxy for them).
// Inside Compose, step 10's attacker sites under .localhost are the proxy container's, not this
// network namespace's loopback: so their ports on loopback are relayed to where the `MAP` rules of
// GRADER_HOST_RESOLVER_RULES send them, and the engines reach the same sites Chromium does.
// Shared by the engines of one process and counted, so the last one to finish closes it.
import net from "node:net";
import { mapRules } from "../lab-client.ts";

interface Relay {
  readonly servers: net.Server[];
  users: number;
}

const relays = new Map<string, Relay>();

/** What each loopback port is relayed to: `host:port` for every mapped `.localhost` origin. */
export function relayedPorts(origins: readonly string[], hostResolverRules: string): Map<number, string> {
  const rules = mapRules(hostResolverRules);
  const ports = new Map<number, string>();
  for (const origin of origins) {
    if (!URL.canParse(origin)) continue;
    const url = new URL(origin);
    if (url.protocol !== "http:" || !url.hostname.endsWith(".localhost")) continue;
    const rule = rules.find((candidate) => candidate.pattern.test(url.hostname));
    if (rule !== undefined) ports.set(Number(url.port || 80), `${rule.host}:${url.port || 80}`);
  }
  return ports;
}

/** Relays `host:port` to `to` (host:port); undefined when the port is taken here already. */
function relayPort(port: number, host: string, to: string): Promise<net.Server | undefined> {
  const [toHost, toPort] = [to.slice(0, to.lastIndexOf(":")), Number(to.slice(to.lastIndexOf(":") + 1))];
  const server = net.createServer((socket) => {
    const upstream = net.connect(toPort, toHost);
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on("error", end);
    upstream.on("error", end);
  });
  return new Promise((resolve) => {
    // Taken already (another grader beside this one relays it, or ::1 does not exist): not ours to serve.
    server.once("error", () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

/** Relays `port` on both loopback addresses to `to` (host:port): the servers that could listen. */
export async function relayOnLoopback(port: number, to: string): Promise<net.Server[]> {
  const servers = await Promise.all([relayPort(port, "127.0.0.1", to), relayPort(port, "::1", to)]);
  return servers.filter((server) => server !== undefined);
}

export async function closeRelay(servers: readonly net.Server[]): Promise<void> {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}

/** Starts (or joins) the relays `origins` need; the returned function leaves them. */
export async function relayLoopbackNames(
  origins: readonly string[],
  hostResolverRules: string,
): Promise<() => Promise<void>> {
  const joined: string[] = [];
  for (const [port, to] of relayedPorts(origins, hostResolverRules)) {
    const key = `${port} ${to}`;
    let relay = relays.get(key);
    if (relay === undefined) {
      relay = { servers: await relayOnLoopback(port, to), users: 0 };
      relays.set(key, relay);
    }
    relay.users += 1;
    joined.push(key);
  }
  return async () => {
    for (const key of joined) {
      const relay = relays.get(key);
      if (relay === undefined || --relay.users > 0) continue;
      relays.delete(key);
      await closeRelay(relay.servers);
    }
  };
}
