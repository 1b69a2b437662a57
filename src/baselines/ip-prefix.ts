// Cloud workloads draw their outbound addresses from pools, so the exact address changes while the
// network stays; comparing by prefix (/24 for IPv4, /48 for IPv6, the smallest blocks routed on their
// own) tells "another address of the same pool" from "another network".

const CODE_0 = 48;

/** The /24 of a canonical IPv4 address (`20.42.65.0/24`) or the /48 of a canonical IPv6 address. */
export function ipPrefix(ip: string): string | null {
  if (ip.indexOf(':') !== -1) return ipv6Prefix(ip);
  const lastDot = ip.lastIndexOf('.');
  if (lastDot <= 0) return null;
  return `${ip.slice(0, lastDot)}.0/24`;
}

/** One IPv6 group in canonical form: lower-case hex without leading zeros. */
function canonicalGroup(group: string | undefined): string {
  if (group === undefined || group.length === 0) return '0';
  if (group.length === 1 || (group.charCodeAt(0) !== CODE_0 && group === group.toLowerCase())) return group;
  const value = Number.parseInt(group, 16);
  return Number.isNaN(value) ? '0' : value.toString(16);
}

/**
 * The /48 network of an IPv6 address in RFC 5952 text (`2603:1030:20e::/48`). Sign-in addresses are
 * already canonical; the groups are re-canonicalised anyway so that a prefix never depends on how the
 * source spelled it. Only the first three groups matter, so the rest of the address is not parsed.
 */
function ipv6Prefix(ip: string): string | null {
  const compressed = ip.indexOf('::');
  const head = compressed === -1 ? ip : ip.slice(0, compressed);
  const groups = head.length === 0 ? [] : head.split(':');
  if (compressed === -1 && groups.length < 3) return null;
  const g0 = canonicalGroup(groups[0]);
  const g1 = canonicalGroup(groups[1]);
  const g2 = canonicalGroup(groups[2]);
  // Groups 4–8 of the network are zero, the longest zero run, so `::` starts right after the last
  // non-zero group among the first three.
  if (g2 !== '0') return `${g0}:${g1}:${g2}::/48`;
  if (g1 !== '0') return `${g0}:${g1}::/48`;
  if (g0 !== '0') return `${g0}::/48`;
  return '::/48';
}
