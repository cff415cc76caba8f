// Which peers the proxy believes about forwarding: a list of addresses and networks (CIDR), such
// as the gateway a cloud workspace's port forwarder connects from. Nobody is trusted by default.
import { BlockList, isIP } from "node:net";
import { ConfigError, type Env, readList } from "../../shared/src/env.ts";

export function readAddressList(env: Env, name: string): BlockList {
  const list = new BlockList();
  for (const entry of readList(env, name)) {
    const [address = "", bits, ...rest] = entry.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (prefix !== undefined && !(prefix >= 0 && prefix <= maxBits))) {
      throw new ConfigError(
        name,
        entry,
        "IP addresses or networks such as 172.17.0.1 or 172.16.0.0/12, comma-separated",
      );
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** Whether the peer of a connection is on the list; an IPv4 peer may come as ::ffff:a.b.c.d. */
export function isTrusted(list: BlockList, address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 !== undefined
    ? list.check(v4, "ipv4")
    : list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}
