import { isIPv6 } from 'node:net';

/** Prefix of an IPv4-mapped IPv6 address in its canonical form. */
const MAPPED_V4_PREFIX = '::ffff:';

/**
 * Reads dotted-quad IPv4. Returns the canonical text (the input itself when already canonical),
 * or null when `s` is not IPv4.
 *
 * Octets with leading zeros (`075.050.255.67`, seen in anonymised public samples) are read as
 * decimal and written without the zeros (`75.50.255.67`). Entra never writes IPs that way, and the
 * tools that pad octets pad decimal numbers; the old BSD octal reading (075 = 61) would turn the
 * address into a different host, and rejecting would quarantine otherwise good records.
 */
function normaliseIpv4(s: string): string | null {
  const length = s.length;
  if (length < 7 || length > 15) return null;
  let octets = 0;
  let value = 0;
  let digits = 0;
  let padded = false;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return null;
      octets++;
      value = 0;
      digits = 0;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || digits === 3) return null;
      if (digits === 1 && value === 0) padded = true;
      value = value * 10 + d;
      digits++;
    }
  }
  if (octets !== 4) return null;
  if (!padded) return s;
  const parts = s.split('.');
  return `${Number(parts[0])}.${Number(parts[1])}.${Number(parts[2])}.${Number(parts[3])}`;
}

/** Canonical IPv6 text (RFC 5952: lower-case, zeros compressed), IPv4-mapped addresses as plain IPv4. */
function normaliseIpv6(s: string): string | null {
  // A zone (`fe80::1%eth0`) names an interface on the logging host; it is no part of the address.
  const percent = s.indexOf('%');
  const address = percent === -1 ? s : s.slice(0, percent);
  if (!isIPv6(address)) return null;
  let host: string;
  try {
    // The WHATWG URL parser implements RFC 5952 serialisation; it runs only for IPv6, which is rare here.
    host = new URL(`http://[${address}]/`).hostname;
  } catch {
    return null;
  }
  const canonical = host.slice(1, -1);
  if (canonical.startsWith(MAPPED_V4_PREFIX)) {
    const groups = canonical.slice(MAPPED_V4_PREFIX.length).split(':');
    if (groups.length === 2) {
      const high = Number.parseInt(groups[0]!, 16);
      const low = Number.parseInt(groups[1]!, 16);
      return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
    }
  }
  return canonical;
}

/**
 * A sign-in or actor IP address in canonical text. Returns null when the value is absent, blank
 * (managed identity sign-ins legitimately carry `""`) or the text `null` (as CSV-born exports write
 * a missing value), and `false` when it is present but not an IP address, which callers turn into
 * a quarantine reason.
 */
export function normaliseIpAddress(value: unknown): string | null | false {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return false;
  let s = value;
  const length = s.length;
  if (length === 0) return null;
  if (s.charCodeAt(0) <= 32 || s.charCodeAt(length - 1) <= 32) {
    s = s.trim();
    if (s.length === 0) return null;
  }
  if (s.length > 64) return false;
  if (s === 'null') return null;
  if (s.indexOf(':') !== -1) return normaliseIpv6(s) ?? false;
  return normaliseIpv4(s) ?? false;
}
