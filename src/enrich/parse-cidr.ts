import { parseIpAddress } from './parse-ip-address.ts';

/** A CIDR block as inclusive first and last addresses, in the words of its address family. */
export interface CidrRange {
  width: 1 | 4;
  first: Uint32Array;
  last: Uint32Array;
}

/**
 * Parses `10.1.0.0/16`, `2001:db8::/32` or a bare address (a /32 or /128). Host bits below the
 * prefix are ignored rather than rejected, as most firewall and cloud tooling does, so `10.1.2.3/16`
 * means 10.1.0.0/16. An IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) becomes its IPv4 block, because
 * lookups treat mapped addresses as IPv4. Returns null when the text is not a block.
 */
export function parseCidr(text: string): CidrRange | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const words = new Uint32Array(4);
  const kind = parseIpAddress(addressText, words);
  if (kind === 'invalid') return null;
  let width: 1 | 4 = kind === 'ipv4' ? 1 : 4;
  let prefix = width * 32;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > width * 32) return null;
  }
  if (width === 4 && words[0] === 0 && words[1] === 0 && words[2] === 0xffff && prefix >= 96) {
    words[0] = words[3]!;
    width = 1;
    prefix -= 96;
  }
  const first = new Uint32Array(width);
  const last = new Uint32Array(width);
  for (let k = 0; k < width; k++) {
    // Bits of this word that belong to the prefix: all 32, some, or none.
    const bits = Math.min(32, Math.max(0, prefix - k * 32));
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const word = words[k]!;
    first[k] = (word & mask) >>> 0;
    last[k] = (word | ~mask) >>> 0;
  }
  return { width, first, last };
}
