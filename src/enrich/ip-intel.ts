import { join } from 'node:path';
import { loadAsnDatabaseCached } from './asn-database-cache.ts';
import { openCountryDatabase } from './country-database.ts';
import { defaultDataPaths } from './default-data-paths.ts';
import { hostingProviderForAs } from './hosting-networks.ts';
import { parseCidr } from './parse-cidr.ts';
import { parseIpAddress } from './parse-ip-address.ts';
import { findIpv4, findIpv6, type RangeTable, RangeTableBuilder } from './range-table.ts';
import { isSpecialPurposeIpv4, isSpecialPurposeIpv6 } from './special-purpose-addresses.ts';

/** What Vigil knows offline about one IP address. */
export interface IpFacts {
  asn: number | null;
  asOrg: string | null;
  /** ISO 3166-1 alpha-2 country code. */
  country: string | null;
  /** Cloud or datacenter network; null when unknown (no address, special-purpose, or no AS data). */
  hosting: boolean | null;
  hostingProvider: string | null;
  scope: 'public' | 'private' | 'invalid' | 'empty';
}

/** A user-supplied network that counts as hosting, e.g. a cloud provider's published ranges. */
export interface HostingRange {
  cidr: string;
  provider: string;
}

/** Options of loadIpIntel; data locations default to the installed data packages. */
export interface IpIntelOptions {
  /** Directory holding asn-ipv4-num.csv and asn-ipv6-num.csv. */
  asnDataDir?: string;
  /** A MaxMind-format country database (`country_code` records), IPv4 and IPv6 in one tree. */
  countryMmdbPath?: string;
  /** Checked before the AS verdict; where blocks overlap, the most specific one wins. */
  hostingRanges?: HostingRange[];
  /** Extra AS number → provider name entries; they override the built-in list. */
  hostingAsns?: Record<number, string>;
  /**
   * Where to keep the indexed ASN tables between starts (default: `node_modules/.cache/vigil`
   * beside the data package); null reads the CSV files every time.
   */
  cacheDir?: string | null;
}

/** Loaded IP data with a synchronous, allocation-light lookup. */
export interface IpIntel {
  lookup(ip: string | null): IpFacts;
  readonly stats: { asnRanges: number; loadMs: number };
}

const facts = (scope: IpFacts['scope']): IpFacts =>
  Object.freeze({ asn: null, asOrg: null, country: null, hosting: null, hostingProvider: null, scope });
const EMPTY = facts('empty');
const INVALID = facts('invalid');
const PRIVATE = facts('private');

/**
 * Loads the ASN ranges, the country database and the hosting signal once (a few hundred ms); every
 * lookup after that is synchronous and reads only typed arrays and the mmdb buffer.
 */
export async function loadIpIntel(options: IpIntelOptions = {}): Promise<IpIntel> {
  const started = performance.now();
  const asnDataDir = options.asnDataDir ?? defaultDataPaths().asnDataDir;
  const countryMmdbPath = options.countryMmdbPath ?? defaultDataPaths().countryMmdbPath;
  const extraAsns = readExtraAsns(options.hostingAsns ?? {});
  const userRanges = buildHostingRanges(options.hostingRanges ?? []);
  const cacheDir =
    options.cacheDir === undefined ? join(asnDataDir, '..', '..', '.cache', 'vigil') : options.cacheDir;
  const [asnData, countries] = await Promise.all([
    loadAsnDatabaseCached(asnDataDir, cacheDir),
    openCountryDatabase(countryMmdbPath),
  ]);
  const { ipv4, ipv6, asns, orgs } = asnData;
  // Decided once per AS record, so a lookup reads the answer instead of testing keywords.
  const providers = orgs.map((org, i) => hostingProviderForAs(asns[i]!, org, extraAsns));
  const words = new Uint32Array(4);

  const publicFacts = (record: number, userProvider: number, country: string | null): IpFacts => {
    const provider = userProvider >= 0 ? userRanges.providers[userProvider]! : (providers[record] ?? null);
    return {
      asn: record >= 0 ? asns[record]! : null,
      asOrg: record >= 0 ? orgs[record] || null : null,
      country,
      hosting: provider !== null ? true : record >= 0 ? false : null,
      hostingProvider: provider,
      scope: 'public',
    };
  };

  const lookupIpv4 = (address: number): IpFacts => {
    if (isSpecialPurposeIpv4(address)) return PRIVATE;
    return publicFacts(
      findIpv4(ipv4, address),
      userRanges.ipv4.count > 0 ? findIpv4(userRanges.ipv4, address) : -1,
      countries.ipv4(address),
    );
  };

  const lookup = (ip: string | null): IpFacts => {
    if (ip === null || ip === undefined || ip === '') return EMPTY;
    // Callers in plain JavaScript (or parsed JSON) can hand over anything; answer, never throw.
    if (typeof ip !== 'string') return INVALID;
    const kind = parseIpAddress(ip, words);
    if (kind === 'invalid') return INVALID;
    if (kind === 'ipv4') return lookupIpv4(words[0]!);
    const w0 = words[0]!;
    const w1 = words[1]!;
    const w2 = words[2]!;
    const w3 = words[3]!;
    // IPv4-mapped (::ffff:a.b.c.d): a dual-stack socket's view of an IPv4 client.
    if (w0 === 0 && w1 === 0 && w2 === 0xffff) return lookupIpv4(w3);
    if (isSpecialPurposeIpv6(w0, w1)) return PRIVATE;
    return publicFacts(
      findIpv6(ipv6, w0, w1, w2, w3),
      userRanges.ipv6.count > 0 ? findIpv6(userRanges.ipv6, w0, w1, w2, w3) : -1,
      countries.ipv6(w0, w1, w2, w3),
    );
  };

  const stats = Object.freeze({ asnRanges: ipv4.count + ipv6.count, loadMs: performance.now() - started });
  return { lookup, stats };
}

function readExtraAsns(entries: Record<number, string>): Map<number, string> {
  const extra = new Map<number, string>();
  for (const [key, provider] of Object.entries(entries)) {
    const asn = Number(key);
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff || typeof provider !== 'string' || !provider) {
      throw new TypeError(
        `hostingAsns: ${JSON.stringify(key)} → ${JSON.stringify(provider)} is not an AS number and provider`,
      );
    }
    extra.set(asn, provider);
  }
  return extra;
}

// User ranges become range tables of their own: configuration may hold thousands of published cloud
// prefixes (Azure service tags, AWS ip-ranges.json), too many to test one by one on every lookup.
function buildHostingRanges(ranges: readonly HostingRange[]): {
  ipv4: RangeTable;
  ipv6: RangeTable;
  providers: string[];
} {
  const v4 = new RangeTableBuilder(1, 16);
  const v6 = new RangeTableBuilder(4, 16);
  const providers: string[] = [];
  for (const range of ranges) {
    const parsed = typeof range?.cidr === 'string' ? parseCidr(range.cidr) : null;
    if (parsed === null || typeof range.provider !== 'string' || !range.provider) {
      throw new TypeError(`hostingRanges: ${JSON.stringify(range)} is not a CIDR block with a provider`);
    }
    const builder = parsed.width === 1 ? v4 : v6;
    builder.add(parsed.first, 0, parsed.last, 0, providers.length);
    providers.push(range.provider);
  }
  return { ipv4: v4.build(), ipv6: v6.build(), providers };
}
