// A threat-intelligence list in the plain format of FireHOL and Spamhaus DROP: one IPv4 address or
// CIDR block per line, `#` comments. It holds the addresses planted attacks come from among a few
// thousand unrelated entries, none of which covers a network any workload, administrator or other
// attack uses, so every match in the simulated tenant is one the labels expect.
import type { Random } from './random.ts';
import { pickWeighted } from './sampling.ts';

/** What goes on the list and what must stay off it. */
export interface IndicatorListOptions {
  /** Addresses that must be listed. */
  listed: readonly string[];
  /** /24 prefixes (CIDR) no other entry may cover. */
  keepClear: readonly string[];
  /** Unrelated entries to add. */
  count: number;
  /** Describes the list in its header. */
  description: string;
}

// First octets that hold no special-purpose space (RFC 6890) and are not wholly reserved.
const RESERVED_FIRST_OCTETS = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);
// Blocklists are mostly single addresses, with some networks, rarely wider than a /16.
const PREFIX_LENGTHS = [32, 24, 23, 22, 21, 20, 19, 18, 16];
const PREFIX_WEIGHTS = [75, 12, 4, 3, 2, 1.5, 1, 0.8, 0.7];

function toNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toAddress(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Whether a sorted list of /24 bases holds one inside [lo, hi]. */
function anyWithin(sorted: readonly number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m]! < lo) a = m + 1;
    else b = m;
  }
  return a < sorted.length && sorted[a]! <= hi;
}

/** The list's text and how many entries it has. */
export function indicatorList(rnd: Random, options: IndicatorListOptions): { text: string; entries: number } {
  const clear = options.keepClear
    .map((cidr) => toNumber(cidr.slice(0, cidr.indexOf('/'))))
    .sort((a, b) => a - b);
  const entries = new Map<string, number>();
  for (const ip of options.listed) entries.set(ip, toNumber(ip));
  let added = 0;
  while (added < options.count) {
    let first = rnd.int(1, 223);
    while (RESERVED_FIRST_OCTETS.has(first)) first = rnd.int(1, 223);
    const length = pickWeighted(rnd, PREFIX_LENGTHS, PREFIX_WEIGHTS);
    const size = 2 ** (32 - length);
    const base = Math.floor((first * 2 ** 24 + rnd.int(0, 2 ** 24 - 1)) / size) * size;
    // A single address covers its /24's base for this test, which is what keeping a /24 clear needs.
    const lo = Math.floor(base / 256) * 256;
    if (anyWithin(clear, lo, base + size - 1)) continue;
    const entry = length === 32 ? toAddress(base) : `${toAddress(base)}/${length}`;
    if (entries.has(entry)) continue;
    entries.set(entry, base);
    added++;
  }
  const sorted = [...entries].sort((a, b) => a[1] - b[1]).map(([entry]) => entry);
  const header = [
    '#',
    '# vigil-simulated-blocklist',
    '#',
    '# ipv4 hash:net ipset',
    '#',
    `# ${options.description}`,
    '#',
    `# Entries: ${sorted.length}`,
    '#',
  ];
  return { text: `${[...header, ...sorted].join('\n')}\n`, entries: sorted.length };
}
