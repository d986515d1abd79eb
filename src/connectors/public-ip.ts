/**
 * Whether an address is one an internet reputation service can know: not private, loopback, link-local,
 * shared (CGNAT), multicast or reserved. An internal address is never sent out — the answer is empty or a
 * refusal (GreyNoise answers 400), it spends the provider's small daily budget, and it tells a third party
 * about the internal network. Documentation and benchmarking ranges (192.0.2/24, 198.18/15, …) are left
 * public: the sample data, the demo and the benchmark use them, as test fixtures everywhere do.
 */
import { BlockList, isIP } from 'node:net';

const NOT_PUBLIC: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and the broadcast address
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const notPublic = new BlockList();
for (const [network, prefix, family] of NOT_PUBLIC) notPublic.addSubnet(network, prefix, family);

/** False for an internal or reserved address (IPv4-mapped IPv6 included) and for anything that is not an IP. */
export function isPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !notPublic.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
