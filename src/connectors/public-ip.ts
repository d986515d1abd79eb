/**
 * Whether an address is one an internet reputation service can know: not private, loopback, link-local,
 * shared (CGNAT), multicast or reserved. An internal address is never sent out — the answer is empty or a
 * refusal (GreyNoise answers 400), it spends the provider's small daily budget, and it tells a third party
 * about the internal network. Documentation and benchmarking ranges (192.0.2/24, 198.18/15, …) are left
 * public: the sample data, the demo and the benchmark use them, as test fixtures everywhere do.
 */
import { BlockList, isIP } from 'node:net';

const NOT_PUBLIC_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];

const NOT_PUBLIC_V6: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible addresses
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

/** An IPv4 network as the hex groups of IPv6 (10.0.0.0 → 0a00:0000), for the forms that embed one. */
function hexGroups(v4: string): string {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`;
}

const notPublic = new BlockList();
for (const [network, prefix] of NOT_PUBLIC_V4) {
  notPublic.addSubnet(network, prefix, 'ipv4');
  // The same networks inside IPv6: NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
  notPublic.addSubnet(`64:ff9b::${hexGroups(network)}`, 96 + prefix, 'ipv6');
  notPublic.addSubnet(`2002:${hexGroups(network)}::`, 16 + prefix, 'ipv6');
}
for (const [network, prefix] of NOT_PUBLIC_V6) notPublic.addSubnet(network, prefix, 'ipv6');

/** False for an internal or reserved address (IPv4-mapped IPv6 included) and for anything that is not an IP. */
export function isPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !notPublic.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
