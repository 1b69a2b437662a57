// A hand-written parser: enrichment parses every sign-in's address, and `node:net`'s isIP plus a
// split/parseInt decode costs several allocations per call. This one walks char codes and writes
// the numeric address into a caller-owned buffer, so the hot path allocates nothing.

/** What parseIpAddress found: an IPv4 address, an IPv6 address, or nothing usable. */
export type IpKind = 'ipv4' | 'ipv6' | 'invalid';

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_DOT = 46;
const CODE_COLON = 58;
const CODE_PERCENT = 37;

/**
 * Parses a dotted-quad IPv4 address in text[from, to) and returns it as an unsigned 32-bit number,
 * or -1. Strict: four decimal parts of 0–255 without leading zeros, because `075.050.255.67` is octal
 * to some parsers and decimal to others; the caller normalises before enrichment.
 */
export function parseIpv4Part(text: string, from: number, to: number): number {
  let value = 0;
  let parts = 0;
  let octet = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= CODE_0 && c <= CODE_9) {
      if (leadingZero) return -1;
      if (digits === 0 && c === CODE_0) leadingZero = true;
      octet = octet * 10 + (c - CODE_0);
      digits++;
      if (octet > 255) return -1;
    } else if (c === CODE_DOT) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return value * 256 + octet;
}

function hexValue(c: number): number {
  if (c >= CODE_0 && c <= CODE_9) return c - CODE_0;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

// The eight 16-bit groups of the IPv6 address being parsed; shared because parsing is synchronous.
const groups = new Uint16Array(8);

/**
 * Parses text as an IPv4 or IPv6 address. IPv4 goes to out[0]; IPv6 to out[0..3] as big-endian 32-bit
 * words. IPv6 accepts `::` compression, an embedded dotted-quad tail (`::ffff:1.2.3.4`), upper- or
 * lower-case hex and a zone suffix (`fe80::1%eth0`), which is ignored. Never throws.
 */
export function parseIpAddress(text: string, out: Uint32Array): IpKind {
  const length = text.length;
  if (length === 0 || length > 64) return 'invalid';
  let colon = false;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) === CODE_COLON) {
      colon = true;
      break;
    }
  }
  if (!colon) {
    const v4 = parseIpv4Part(text, 0, length);
    if (v4 < 0) return 'invalid';
    out[0] = v4;
    return 'ipv4';
  }
  return parseIpv6(text, out) ? 'ipv6' : 'invalid';
}

function parseIpv6(text: string, out: Uint32Array): boolean {
  let end = text.length;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === CODE_PERCENT) {
      if (i === end - 1) return false;
      end = i;
      break;
    }
  }
  let count = 0;
  let gap = -1;
  let pos = 0;
  if (text.charCodeAt(0) === CODE_COLON) {
    if (end < 2 || text.charCodeAt(1) !== CODE_COLON) return false;
    gap = 0;
    pos = 2;
  }
  while (pos < end) {
    if (count === 8) return false;
    const groupStart = pos;
    let value = 0;
    while (pos < end && pos - groupStart < 5) {
      const h = hexValue(text.charCodeAt(pos));
      if (h < 0) break;
      value = value * 16 + h;
      pos++;
    }
    const digits = pos - groupStart;
    if (pos < end && text.charCodeAt(pos) === CODE_DOT) {
      // An embedded IPv4 tail takes the last two groups and must end the address.
      if (count > 6) return false;
      const v4 = parseIpv4Part(text, groupStart, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      pos = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    if (pos === end) break;
    if (text.charCodeAt(pos) !== CODE_COLON) return false;
    pos++;
    if (pos < end && text.charCodeAt(pos) === CODE_COLON) {
      if (gap >= 0) return false;
      gap = count;
      pos++;
    } else if (pos === end) {
      return false;
    }
  }
  if (gap >= 0) {
    if (count > 7) return false;
    const shift = 8 - count;
    for (let i = count - 1; i >= gap; i--) groups[i + shift] = groups[i] ?? 0;
    for (let i = gap; i < gap + shift; i++) groups[i] = 0;
  } else if (count !== 8) {
    return false;
  }
  for (let w = 0; w < 4; w++) out[w] = (((groups[2 * w] ?? 0) << 16) | (groups[2 * w + 1] ?? 0)) >>> 0;
  return true;
}
