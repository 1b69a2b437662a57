import { type CidrRange, parseCidr } from '../../enrich/parse-cidr.ts';
import { parseIpAddress } from '../../enrich/parse-ip-address.ts';

/** Decides which peers' forwarding headers are believed. */
export interface TrustedProxies {
  trusts(address: string): boolean;
}

/** An IPv4 address as a dual-stack socket reports it (`::ffff:10.0.0.1`), written as IPv4. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Compiles the trusted proxy CIDRs of the configuration. */
export function createTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const ranges = cidrs.map((c) => parseCidr(c)).filter((r): r is CidrRange => r !== null);
  const words = new Uint32Array(4);
  return {
    trusts(address) {
      const kind = parseIpAddress(unmapped(address), words);
      if (kind === 'invalid') return false;
      const width = kind === 'ipv4' ? 1 : 4;
      return ranges.some((r) => {
        if (r.width !== width) return false;
        for (let k = 0; k < width; k++) {
          const w = words[k]! >>> 0;
          if (w < r.first[k]! || w > r.last[k]!) return false;
        }
        return true;
      });
    },
  };
}

/**
 * The client's address: the peer itself unless the peer is a trusted proxy; then the last address
 * in `X-Forwarded-For` that is not a trusted proxy (each hop appends, so only the right end is
 * vouched for), else `X-Real-IP`, else the peer.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  realIp: string | string[] | undefined,
  proxies: TrustedProxies,
): string | null {
  const direct = peer === undefined ? null : unmapped(peer);
  if (direct === null || !proxies.trusts(direct)) return direct;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!proxies.trusts(chain[i]!)) return chain[i]!;
  }
  const real = Array.isArray(realIp) ? realIp[0] : realIp;
  if (real && real.trim() !== '') return real.trim();
  return chain[0] ?? direct;
}
