// Test support: which autonomous system the bundled ip-location-db table (asn-ipv4.csv) says
// announces each /24, so tests can prove that simulated addresses enrich to the ASN they claim.
import { readFileSync } from 'node:fs';

function ipv4(text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/**
 * For each `/24` in CIDR form, the ASN of the one table range that holds all of it; a /24 split
 * between ranges, or in none, is left out.
 */
export function announcingAsns(cidrs: readonly string[]): Map<string, number> {
  const csv = readFileSync(
    new URL('../../node_modules/@ip-location-db/asn/asn-ipv4.csv', import.meta.url),
    'utf8',
  );
  const owner = new Map<string, number>();
  const firstOctets = new Set(cidrs.map((cidr) => `${cidr.split('.')[0]}.`));
  for (const line of csv.split('\n')) {
    if (!firstOctets.has(line.slice(0, line.indexOf('.') + 1))) continue;
    const [from, to, asn] = line.split(',', 3);
    if (!from || !to || !asn) continue;
    const lo = ipv4(from);
    const hi = ipv4(to);
    for (const cidr of cidrs) {
      const base = ipv4(cidr.slice(0, cidr.indexOf('/')));
      if (lo <= base && base + 255 <= hi) owner.set(cidr, Number(asn));
    }
  }
  return owner;
}
