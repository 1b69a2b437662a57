// Enrichment throughput: IpIntel.lookup over 1M realistic IPv4 sign-in addresses, against a plain
// Map<string, IpFacts>.get over the same addresses from a prebuilt 100k-entry Map: the cheapest thing
// a per-address cache could ever do, so the ratio says how close the real lookup (parse, special-
// purpose check, two binary searches, one result object) comes to a cache hit or miss.
// Options: --count <addresses> (default 1000000), --seed <n> (default 1).
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadAsnDatabase } from '#src/enrich/asn-database.ts';
import { defaultDataPaths } from '#src/enrich/default-data-paths.ts';
import { HOSTING_ASNS } from '#src/enrich/hosting-networks.ts';
import { type IpFacts, loadIpIntel } from '#src/enrich/ip-intel.ts';
import { createRandom } from '../src/simulate/random.ts';

// Workload sign-ins come mostly from clouds (Azure first), the rest from offices and homes behind
// large ISPs, with a long tail anywhere: the mix below, weighted by share of addresses.
const CLOUD_WEIGHTS: Record<number, number> = {
  8075: 30, // Microsoft
  16509: 12, // Amazon
  14618: 4, // Amazon
  15169: 4, // Google
  396982: 4, // Google Cloud
  31898: 2, // Oracle
  14061: 2, // DigitalOcean
  24940: 2, // Hetzner
  16276: 2, // OVH
  13335: 2, // Cloudflare
  45102: 1, // Alibaba
  63949: 1, // Akamai (Linode)
  20473: 1, // Vultr
};
const RESIDENTIAL_ASNS = [
  3320, 7922, 7018, 701, 20115, 22773, 3215, 2856, 12322, 3352, 4134, 4837, 9808, 17676, 4766, 1221, 28573,
  8151, 55836, 12389, 3269, 5089,
];
const SHARES = { cloud: 0.6, residential: 0.3 }; // the rest: any range of the data

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const ipv4Text = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
const ipv6Text = (w: ArrayLike<number>) =>
  Array.from(w, (x) => `${(x >>> 16).toString(16)}:${(x & 0xffff).toString(16)}`).join(':');

// Builds the address lists from the ASN data's own ranges (a separate copy, loaded after IpIntel's
// memory was measured and dropped before timing).
async function buildAddresses(count: number, seed: number): Promise<{ ipv4: string[]; ipv6: string[] }> {
  const rnd = createRandom(seed);
  const random = () => rnd.next();
  const db = await loadAsnDatabase(defaultDataPaths().asnDataDir);
  const rangesByAsn = new Map<number, number[]>();
  for (let i = 0; i < db.ipv4.count; i++) {
    const asn = db.asns[db.ipv4.values[i]!]!;
    const list = rangesByAsn.get(asn);
    if (list) list.push(i);
    else rangesByAsn.set(asn, [i]);
  }
  const inRange = (range: number) => {
    const start = db.ipv4.starts[range]!;
    return start + Math.floor(random() * (db.ipv4.ends[range]! - start + 1));
  };
  const fromAsn = (asn: number) => {
    const list = rangesByAsn.get(asn);
    if (!list) throw new Error(`AS${asn} is not in the ASN data`);
    return inRange(list[Math.floor(random() * list.length)]!);
  };
  const cloud = Object.entries(CLOUD_WEIGHTS).map(([asn, weight]) => [Number(asn), weight] as const);
  const totalWeight = cloud.reduce((sum, [, weight]) => sum + weight, 0);
  const pickCloud = () => {
    let roll = random() * totalWeight;
    for (const [asn, weight] of cloud) {
      roll -= weight;
      if (roll < 0) return asn;
    }
    return cloud[0]![0];
  };
  const ipv4: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const roll = random();
    const address =
      roll < SHARES.cloud
        ? fromAsn(pickCloud())
        : roll < SHARES.cloud + SHARES.residential
          ? fromAsn(RESIDENTIAL_ASNS[Math.floor(random() * RESIDENTIAL_ASNS.length)]!)
          : inRange(Math.floor(random() * db.ipv4.count));
    ipv4[i] = ipv4Text(address);
  }
  const ipv6: string[] = new Array(Math.ceil(count / 5));
  const words = new Uint32Array(4);
  for (let i = 0; i < ipv6.length; i++) {
    // A random IPv6 range, its network part kept and the interface part random.
    const range = Math.floor(random() * db.ipv6.count);
    words.set(db.ipv6.starts.subarray(range * 4, range * 4 + 4));
    words[2] = (random() * 4294967296) >>> 0;
    words[3] = (random() * 4294967296) >>> 0;
    ipv6[i] = ipv6Text(words);
  }
  return { ipv4, ipv6 };
}

function timeBest(
  runs: number,
  addresses: string[],
  body: (addresses: string[]) => number,
): [number, number] {
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    checksum += body(addresses);
    best = Math.min(best, performance.now() - started);
  }
  return [(addresses.length / best) * 1000, checksum];
}

// A full collection on demand, so retained memory can be told from garbage not yet collected; the
// runner starts node without --expose-gc, and this flag may be set at run time.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  collectGarbage();
  await sleep(100); // array buffer backing stores are released after the collection
  collectGarbage();
  return process.memoryUsage();
}

/** Runs the enrichment benchmark and returns its figures with the reference and their ratio. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const count = option(args, 'count', 1_000_000);
  const seed = option(args, 'seed', 1);

  const before = await settledMemory();
  const intel = await loadIpIntel();
  const loadRssMb = (process.memoryUsage().rss - before.rss) / 2 ** 20;
  const after = await settledMemory();
  const retainedMb = (after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20;

  const { ipv4, ipv6 } = await buildAddresses(count, seed);
  // The reference holds copies: when a caller keeps the very objects lookup returns, V8 learns that
  // their allocation site's objects live long and allocates them in old space from then on, which
  // measured ~25% slower lookups and twice the peak RSS here. Callers copy the fields into their own
  // records (SignIn), so copies keep the measurement true to use.
  const reference = new Map<string, IpFacts>();
  for (let i = 0; i < ipv4.length && reference.size < 100_000; i++) {
    reference.set(ipv4[i]!, { ...intel.lookup(ipv4[i]!) });
  }

  const viaIntel = (list: string[]) => {
    let hosting = 0;
    for (let i = 0; i < list.length; i++) if (intel.lookup(list[i]!).hosting === true) hosting++;
    return hosting;
  };
  const viaMap = (list: string[]) => {
    let hits = 0;
    for (let i = 0; i < list.length; i++) if (reference.get(list[i]!) !== undefined) hits++;
    return hits;
  };
  // One untimed pass each for the JIT, then the best of five, interleaved so that a noisy neighbour
  // on a shared machine hurts both sides alike.
  viaIntel(ipv4);
  viaMap(ipv4);
  let lookupsPerSecond = 0;
  let referencePerSecond = 0;
  let hostingCount = 0;
  let referenceHits = 0;
  for (let round = 0; round < 5; round++) {
    const [ours, hosting] = timeBest(1, ipv4, viaIntel);
    const [theirs, hits] = timeBest(1, ipv4, viaMap);
    lookupsPerSecond = Math.max(lookupsPerSecond, ours);
    referencePerSecond = Math.max(referencePerSecond, theirs);
    hostingCount = hosting;
    referenceHits = hits;
  }
  viaIntel(ipv6);
  const [ipv6LookupsPerSecond] = timeBest(3, ipv6, viaIntel);

  return {
    addresses: count,
    lookupsPerSecond: Math.round(lookupsPerSecond),
    referencePerSecond: Math.round(referencePerSecond),
    ratio: Number((lookupsPerSecond / referencePerSecond).toFixed(3)),
    ipv6Addresses: ipv6.length,
    ipv6LookupsPerSecond: Math.round(ipv6LookupsPerSecond),
    hostingShare: Number((hostingCount / count).toFixed(3)),
    referenceHitShare: Number((referenceHits / count).toFixed(3)),
    asnRanges: intel.stats.asnRanges,
    knownHostingAsns: HOSTING_ASNS.size,
    loadMs: Math.round(intel.stats.loadMs),
    loadRssMb: Math.round(loadRssMb),
    retainedMb: Math.round(retainedMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
