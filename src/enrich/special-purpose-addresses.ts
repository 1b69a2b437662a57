// Addresses that no Internet owner can be named for: private, loopback, link-local, shared (CGNAT),
// multicast, documentation, benchmarking and reserved space, after the IANA special-purpose address
// registries (RFC 6890 and successors). Looking them up in ASN data would at best return nothing and
// at worst attribute a customer's 10.x network to whoever announces a leaked route.

// [first, last] pairs, inclusive, as unsigned 32-bit numbers.
const IPV4_SPECIAL: readonly (readonly [number, number])[] = [
  cidr4(0, 0, 0, 0, 8), // "this network"
  cidr4(10, 0, 0, 0, 8), // private (RFC 1918)
  cidr4(100, 64, 0, 0, 10), // shared address space, carrier-grade NAT (RFC 6598)
  cidr4(127, 0, 0, 0, 8), // loopback
  cidr4(169, 254, 0, 0, 16), // link-local
  cidr4(172, 16, 0, 0, 12), // private (RFC 1918)
  cidr4(192, 0, 0, 0, 24), // IETF protocol assignments
  cidr4(192, 0, 2, 0, 24), // documentation TEST-NET-1
  cidr4(192, 88, 99, 0, 24), // deprecated 6to4 relay anycast
  cidr4(192, 168, 0, 0, 16), // private (RFC 1918)
  cidr4(198, 18, 0, 0, 15), // benchmarking
  cidr4(198, 51, 100, 0, 24), // documentation TEST-NET-2
  cidr4(203, 0, 113, 0, 24), // documentation TEST-NET-3
  cidr4(224, 0, 0, 0, 3), // multicast 224/4 and reserved 240/4, including broadcast
];

function cidr4(a: number, b: number, c: number, d: number, prefix: number): readonly [number, number] {
  const first = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const size = 2 ** (32 - prefix);
  return [first, first + size - 1];
}

// Per first octet: 0 never special, 1 wholly special, 2 partly (check the list). Most public
// addresses are answered by one array read instead of a walk over the list.
const FIRST_OCTET = new Uint8Array(256);
for (const [first, last] of IPV4_SPECIAL) {
  for (let octet = first >>> 24; octet <= last >>> 24; octet++) {
    const whole = first <= octet * 2 ** 24 && last >= octet * 2 ** 24 + 0xffffff;
    FIRST_OCTET[octet] = whole ? 1 : 2;
  }
}

/** Whether an IPv4 address (unsigned 32-bit) is in special-purpose space rather than owned public space. */
export function isSpecialPurposeIpv4(address: number): boolean {
  const octet = FIRST_OCTET[address >>> 24];
  if (octet !== 2) return octet === 1;
  for (const [first, last] of IPV4_SPECIAL) {
    if (address >= first && address <= last) return true;
  }
  return false;
}

/**
 * Whether an IPv6 address (four big-endian 32-bit words) is outside owned public space. Everything
 * outside global unicast 2000::/3 qualifies (unspecified, loopback, IPv4-compatible, NAT64 64:ff9b::/96,
 * discard-only, SRv6, unique-local, link-local, multicast), plus the non-routed blocks inside it.
 * IPv4-mapped addresses are the caller's business: they are IPv4 and are checked as such.
 */
export function isSpecialPurposeIpv6(w0: number, w1: number): boolean {
  if (w0 >>> 29 !== 1) return true; // outside 2000::/3
  if (w0 === 0x20010db8) return true; // documentation 2001:db8::/32
  if (w0 >>> 12 === 0x3fff0) return true; // documentation 3fff::/20 (RFC 9637)
  if (w0 === 0x20010002 && w1 >>> 16 === 0) return true; // benchmarking 2001:2::/48
  if (w0 >>> 4 === 0x2001001 || w0 >>> 4 === 0x2001002) return true; // ORCHID 2001:10::/28, 2001:20::/28
  return false;
}
