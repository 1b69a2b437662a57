import { readFile } from 'node:fs/promises';
import { type CountryResponse, Reader } from 'maxmind';
import { findIpv4, RangeTableBuilder } from './range-table.ts';

/** Country lookups over a MaxMind-format (mmdb) country database, by numeric address. */
export interface CountryDatabase {
  /** ISO 3166-1 alpha-2 code for an IPv4 address (unsigned 32-bit), or null. */
  ipv4(address: number): string | null;
  /** ISO 3166-1 alpha-2 code for an IPv6 address (four big-endian words), or null. */
  ipv6(w0: number, w1: number, w2: number, w3: number): string | null;
  /** Number of distinct data records decoded so far (bounded by the database, not by traffic). */
  readonly decodedRecords: number;
}

/**
 * Opens an mmdb country database. maxmind's Reader parses the metadata and decodes data records, but
 * its `get(text)` re-parses the address string with split/parseInt on every call and measured
 * ~1.35M lookups/s alone here, too slow to stay under 1 µs per enrichment; so lookups go by the
 * already parsed numeric address, over our own view of the search tree. A data record is decoded by
 * the Reader once per distinct record (a few hundred countries) and kept, keyed by its position.
 */
export async function openCountryDatabase(path: string): Promise<CountryDatabase> {
  const db = await readFile(path);
  const reader = new Reader<CountryResponse & { country_code?: string }>(db);
  const { nodeCount, recordSize, ipVersion } = reader.metadata;
  const nodeBytes = recordSize / 4;
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) {
    throw new Error(`${path}: unsupported mmdb record size ${recordSize}`);
  }

  const left = (node: number): number => {
    const at = node * nodeBytes;
    if (recordSize === 24) return (db[at]! << 16) | (db[at + 1]! << 8) | db[at + 2]!;
    if (recordSize === 28)
      return ((db[at + 3]! & 0xf0) << 20) | (db[at]! << 16) | (db[at + 1]! << 8) | db[at + 2]!;
    return db.readUInt32BE(at);
  };
  const right = (node: number): number => {
    const at = node * nodeBytes;
    if (recordSize === 24) return (db[at + 3]! << 16) | (db[at + 4]! << 8) | db[at + 5]!;
    if (recordSize === 28) {
      return ((db[at + 3]! & 0x0f) << 24) | (db[at + 4]! << 16) | (db[at + 5]! << 8) | db[at + 6]!;
    }
    return db.readUInt32BE(at + 4);
  };

  // IPv4 lives in the first 2^32 addresses of an IPv6 tree: 96 zero bits down from the root.
  let ipv4Root = 0;
  if (ipVersion === 6) {
    for (let i = 0; i < 96 && ipv4Root < nodeCount; i++) ipv4Root = left(ipv4Root);
  }

  // Country per data record, decoded on first sight through the Reader (which wants an address as
  // text: `text` builds one leading there, only on a miss). Indexed by the record's offset in the
  // data section, so the flattening walk below pays an array read per leaf, not a Map lookup.
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const UNKNOWN = -2;
  const recordCountry = new Int32Array(Math.max(0, db.length - reader.metadata.searchTreeSize)).fill(UNKNOWN);
  let decodedRecords = 0;
  const countryIndex = (pointer: number, text: () => string): number => {
    const slot = pointer - nodeCount;
    let index = recordCountry[slot] ?? -1;
    if (index === UNKNOWN) {
      const value = reader.get(text());
      const code = typeof value?.country_code === 'string' ? value.country_code : null;
      index = code === null ? -1 : (nameIndex.get(code) ?? names.push(code) - 1);
      if (code !== null) nameIndex.set(code, index);
      recordCountry[slot] = index;
      decodedRecords++;
    }
    return index;
  };

  // IPv4, the bulk of sign-ins, is flattened once into sorted ranges (a depth-first walk of its
  // subtree): a binary search over them measured 2–3× faster than walking the tree per lookup.
  const builder = new RangeTableBuilder(1, 1 << 16);
  const first = new Uint32Array(1);
  const last = new Uint32Array(1);
  let pending = -1;
  const flush = () => {
    if (pending >= 0) builder.add(first, 0, last, 0, pending);
    pending = -1;
  };
  if (ipv4Root < nodeCount) {
    // Explicit stack of (node, first address, depth), at most 33 deep; right pushed before left
    // keeps the ranges sorted.
    const nodes = new Int32Array(66);
    const bases = new Float64Array(66);
    const depths = new Int8Array(66);
    // Block sizes by depth; `2 ** x` with a variable exponent took 90% of this walk's time.
    const size = Float64Array.from({ length: 34 }, (_, depth) => 2 ** (32 - depth));
    nodes[0] = ipv4Root;
    let top = 1;
    while (top > 0) {
      top--;
      const node = nodes[top]!;
      const base = bases[top]!;
      const depth = depths[top]!;
      if (node < nodeCount) {
        nodes[top] = right(node);
        bases[top] = base + size[depth + 1]!;
        depths[top] = depth + 1;
        nodes[top + 1] = left(node);
        bases[top + 1] = base;
        depths[top + 1] = depth + 1;
        top += 2;
        continue;
      }
      if (node === nodeCount) {
        flush();
        continue;
      }
      const index = countryIndex(node, () => ipv4Text(base));
      if (index < 0) {
        flush();
        continue;
      }
      const end = base + size[depth]! - 1;
      if (pending === index && last[0]! + 1 === base) {
        last[0] = end;
      } else {
        flush();
        first[0] = base;
        last[0] = end;
        pending = index;
      }
    }
    flush();
  }
  const ipv4 = builder.build();

  // Walks the 32 bits of `word` from `start`; returns the node or record reached (≥ nodeCount).
  // IPv6 walks the tree per lookup: ~0.65M/s here, bound by cache misses in the 7.8 MB tree (inlining
  // the reads gained nothing); flattening it like IPv4 would cost load time and memory for a minority
  // of the traffic.
  const walk = (start: number, word: number): number => {
    let node = start;
    for (let bit = 31; bit >= 0 && node < nodeCount; bit--) {
      node = (word >>> bit) & 1 ? right(node) : left(node);
    }
    return node;
  };

  return {
    ipv4(address: number): string | null {
      const country = findIpv4(ipv4, address);
      return country < 0 ? null : names[country]!;
    },
    ipv6(w0: number, w1: number, w2: number, w3: number): string | null {
      if (ipVersion !== 6) return null;
      let node = walk(0, w0);
      if (node < nodeCount) node = walk(node, w1);
      if (node < nodeCount) node = walk(node, w2);
      if (node < nodeCount) node = walk(node, w3);
      if (node <= nodeCount) return null;
      const index = countryIndex(node, () => ipv6Text(w0, w1, w2, w3));
      return index < 0 ? null : names[index]!;
    },
    get decodedRecords() {
      return decodedRecords;
    },
  };
}

function ipv4Text(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

function ipv6Text(w0: number, w1: number, w2: number, w3: number): string {
  const hex = (word: number) => `${(word >>> 16).toString(16)}:${(word & 0xffff).toString(16)}`;
  return `${hex(w0)}:${hex(w1)}:${hex(w2)}:${hex(w3)}`;
}
