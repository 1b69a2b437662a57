// How overlapping indicators are found fast. CIDR blocks never partly overlap: two blocks are either
// disjoint or one holds the other, so the distinct blocks of a list form a tree. The set keeps
//   - one RangeTable per address family, painted so that every address maps to the innermost block
//     that holds it (the same sorted typed arrays and binary search as the ASN data), and
//   - for every block, its parent (the smallest block around it) and its indicators.
// A lookup is one binary search plus a walk up the parents: at most 33 steps for IPv4 and in practice
// one or two, so a /32 and the /16 around it are both found, the more specific first. The painting is
// done here in one pass over the sorted blocks, because the tree makes it simple and because
// RangeTableBuilder's general overlap repair works in BigInt and takes seconds on a million blocks;
// the builder then receives sorted, disjoint ranges and stays on its streaming path.

import { type CidrRange, parseCidr } from '../parse-cidr.ts';
import { parseIpAddress } from '../parse-ip-address.ts';
import {
  type AddressWidth,
  compareWords,
  findIpv4,
  findIpv6,
  type RangeTable,
  RangeTableBuilder,
} from '../range-table.ts';
import { isSpecialPurposeIpv4, isSpecialPurposeIpv6 } from '../special-purpose-addresses.ts';
import type { IpIndicator } from './indicator.ts';
import { parseTimestamp } from './parse-timestamp.ts';

/** Options of createIndicatorSet. */
export interface IndicatorSetOptions {
  /** Indicators below this confidence are left out of the set (counted in stats); default 0. */
  minConfidence?: number;
}

/** An indicator createIndicatorSet could not use, by its position in the input. */
export interface IndicatorIssue {
  index: number;
  reason: string;
}

/** A matcher over a fixed list of IP indicators. */
export interface IndicatorSet {
  /**
   * The indicators covering `ip` and valid at `at` (RFC 3339, the event's time), most specific block
   * first and, within a block, highest confidence first; null when none. Special-purpose addresses
   * (private, loopback, documentation…) never match. When `at` is unreadable only indicators without
   * a validity window match. Never throws.
   */
  match(ip: string, at: string): IpIndicator[] | null;
  /** Indicators in the set. */
  readonly size: number;
  readonly rejected: readonly IndicatorIssue[];
  readonly stats: {
    readonly ipv4Blocks: number;
    readonly ipv6Blocks: number;
    readonly belowMinConfidence: number;
    readonly buildMs: number;
  };
}

// One address family: the painted table and the block tree. A hit reads a handful of arrays at
// random places, each a likely cache miss with a million indicators, so what one step needs sits
// together: a block's first entry beside its parent, an entry's validity bounds side by side.
interface FamilyIndex {
  table: RangeTable;
  blocks: number;
  /**
   * Block b: its entries are firstEntry = blockInfo[2b] up to blockInfo[2b + 2] (exclusive), and its
   * parent, the smallest block holding it, is blockInfo[2b + 1] (-1 for none).
   */
  blockInfo: Int32Array;
  /** Entry j (indicators grouped by block, highest confidence first): valid from [2j], until [2j + 1]. */
  windows: Float64Array;
  /** Entry j's indicator. */
  entries: IpIndicator[];
  /**
   * IPv4 sets of 4096 blocks or more: one bit per /24 prefix that any block touches. Most addresses
   * of a sign-in log are in no list, and this answers them with one read of 2 MB instead of a binary
   * search over tens of megabytes.
   */
  touched24: Uint8Array | null;
}

/**
 * Builds a matcher over the indicators: a million take a couple of seconds once, after which each
 * lookup is a binary search over typed arrays. Indicators that cannot be used (an unreadable CIDR,
 * confidence or validity time) are listed in `rejected`, not thrown.
 */
export function createIndicatorSet(
  indicators: readonly IpIndicator[],
  options: IndicatorSetOptions = {},
): IndicatorSet {
  const started = performance.now();
  const minConfidence = options.minConfidence ?? 0;
  const rejected: IndicatorIssue[] = [];
  const items: IpIndicator[] = [];
  const from: number[] = [];
  const until: number[] = [];
  const confidences: number[] = [];
  // Blocks go straight into flat typed arrays: holding a million parsed CidrRange objects (two small
  // typed arrays each) until the sort tripled build time in garbage collection.
  const entries4 = new FamilyEntries(1, indicators.length);
  const entries6 = new FamilyEntries(4, 16);
  let belowMinConfidence = 0;
  indicators.forEach((indicator, index) => {
    const range = typeof indicator?.cidr === 'string' ? parseCidr(indicator.cidr) : null;
    if (range === null) {
      rejected.push({ index, reason: `${JSON.stringify(indicator?.cidr)} is not an address or CIDR block` });
      return;
    }
    const { confidence } = indicator;
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 100)) {
      rejected.push({ index, reason: `confidence ${JSON.stringify(confidence)} is not 0–100` });
      return;
    }
    const validFrom =
      indicator.validFrom == null ? Number.NEGATIVE_INFINITY : parseTimestamp(indicator.validFrom);
    const validUntil =
      indicator.validUntil == null ? Number.POSITIVE_INFINITY : parseTimestamp(indicator.validUntil);
    if (Number.isNaN(validFrom) || Number.isNaN(validUntil)) {
      rejected.push({ index, reason: 'validFrom or validUntil is not an RFC 3339 time' });
      return;
    }
    if (confidence < minConfidence) {
      belowMinConfidence++;
      return;
    }
    (range.width === 1 ? entries4 : entries6).add(range, items.length);
    items.push(indicator);
    from.push(validFrom);
    until.push(validUntil);
    confidences.push(confidence);
  });
  const indicatorsBy = {
    items,
    confidence: Float64Array.from(confidences),
    validFrom: Float64Array.from(from),
    validUntil: Float64Array.from(until),
  };
  const ipv4 = indexFamily(entries4, indicatorsBy);
  const ipv6 = indexFamily(entries6, indicatorsBy);

  const words = new Uint32Array(4);
  let lastAt: string | null = null;
  let lastTime = Number.NaN;

  const collect = (family: FamilyIndex, block: number, at: string): IpIndicator[] | null => {
    // Parsed only on a hit, and remembered: a detection may ask about one event's time repeatedly.
    if (at !== lastAt) {
      lastAt = at;
      lastTime = parseTimestamp(at);
    }
    const time = lastTime;
    const { blockInfo, windows, entries } = family;
    let found: IpIndicator[] | null = null;
    for (let b = block; b >= 0; b = blockInfo[2 * b + 1]!) {
      const end = blockInfo[2 * b + 2]!;
      for (let j = blockInfo[2 * b]!; j < end; j++) {
        const start = windows[2 * j]!;
        const stop = windows[2 * j + 1]!;
        // Written so that a NaN time passes only the open bounds of an indicator without a window.
        if (
          (start === Number.NEGATIVE_INFINITY || start <= time) &&
          (stop === Number.POSITIVE_INFINITY || time < stop)
        ) {
          if (found === null) found = [];
          found.push(entries[j]!);
        }
      }
    }
    return found;
  };

  const matchIpv4 = (address: number, at: string): IpIndicator[] | null => {
    if (ipv4.blocks === 0 || isSpecialPurposeIpv4(address)) return null;
    const touched24 = ipv4.touched24;
    if (touched24 !== null && (touched24[address >>> 11]! & (1 << ((address >>> 8) & 7))) === 0) return null;
    const block = findIpv4(ipv4.table, address);
    return block < 0 ? null : collect(ipv4, block, at);
  };

  const match = (ip: string, at: string): IpIndicator[] | null => {
    if (typeof ip !== 'string') return null;
    const kind = parseIpAddress(ip, words);
    if (kind === 'invalid') return null;
    if (kind === 'ipv4') return matchIpv4(words[0]!, at);
    const w0 = words[0]!;
    const w1 = words[1]!;
    const w2 = words[2]!;
    const w3 = words[3]!;
    // IPv4-mapped (::ffff:a.b.c.d) is how a dual-stack socket sees an IPv4 client.
    if (w0 === 0 && w1 === 0 && w2 === 0xffff) return matchIpv4(w3, at);
    if (ipv6.blocks === 0 || isSpecialPurposeIpv6(w0, w1)) return null;
    const block = findIpv6(ipv6.table, w0, w1, w2, w3);
    return block < 0 ? null : collect(ipv6, block, at);
  };

  return {
    match,
    size: items.length,
    rejected,
    stats: Object.freeze({
      ipv4Blocks: ipv4.blocks,
      ipv6Blocks: ipv6.blocks,
      belowMinConfidence,
      buildMs: performance.now() - started,
    }),
  };
}

// One family's blocks in input order, `width` words each, with the indicator each came from.
class FamilyEntries {
  readonly width: AddressWidth;
  firsts: Uint32Array;
  lasts: Uint32Array;
  indicator: Uint32Array;
  count = 0;

  constructor(width: AddressWidth, capacity: number) {
    this.width = width;
    this.firsts = new Uint32Array(capacity * width);
    this.lasts = new Uint32Array(capacity * width);
    this.indicator = new Uint32Array(capacity);
  }

  add(range: CidrRange, indicator: number): void {
    if (this.count === this.indicator.length) this.#grow();
    this.firsts.set(range.first, this.count * this.width);
    this.lasts.set(range.last, this.count * this.width);
    this.indicator[this.count++] = indicator;
  }

  #grow(): void {
    const capacity = Math.max(16, this.indicator.length * 2);
    const grown = (array: Uint32Array, length: number) => {
      const bigger = new Uint32Array(length);
      bigger.set(array);
      return bigger;
    };
    this.firsts = grown(this.firsts, capacity * this.width);
    this.lasts = grown(this.lasts, capacity * this.width);
    this.indicator = grown(this.indicator, capacity);
  }
}

// Sorts the family's indicators by block (outer blocks before the blocks they hold), groups equal
// blocks, links each block to its parent and paints the range table, all in one sweep with a stack
// of the blocks open at the current address.
function indexFamily(
  family: FamilyEntries,
  by: { items: IpIndicator[]; confidence: Float64Array; validFrom: Float64Array; validUntil: Float64Array },
): FamilyIndex {
  const { width, firsts, lasts, indicator, count: n } = family;
  const confidences = by.confidence;

  // Entries are numbered in input order, so `a - b` last keeps equal indicators in input order.
  const sorted = new Uint32Array(n);
  for (let k = 0; k < n; k++) sorted[k] = k;
  if (width === 1) {
    sorted.sort(
      (a, b) =>
        firsts[a]! - firsts[b]! ||
        lasts[b]! - lasts[a]! ||
        confidences[indicator[b]!]! - confidences[indicator[a]!]! ||
        a - b,
    );
  } else {
    sorted.sort(
      (a, b) =>
        compareWords(firsts, a * 4, firsts, b * 4, 4) ||
        compareWords(lasts, b * 4, lasts, a * 4, 4) ||
        confidences[indicator[b]!]! - confidences[indicator[a]!]! ||
        a - b,
    );
  }

  // Group equal blocks; blockEntry holds each block's first entry, in input numbering.
  const entries = new Array<IpIndicator>(n);
  const windows = new Float64Array(2 * n);
  const blockEntry = new Uint32Array(n);
  const blockInfo = new Int32Array(2 * n + 2);
  let blocks = 0;
  for (let j = 0; j < n; j++) {
    const entry = sorted[j]!;
    const i = indicator[entry]!;
    entries[j] = by.items[i]!;
    windows[2 * j] = by.validFrom[i]!;
    windows[2 * j + 1] = by.validUntil[i]!;
    const previous = j > 0 ? sorted[j - 1]! : -1;
    const sameBlock =
      previous >= 0 &&
      compareWords(firsts, entry * width, firsts, previous * width, width) === 0 &&
      compareWords(lasts, entry * width, lasts, previous * width, width) === 0;
    if (!sameBlock) {
      blockEntry[blocks] = entry;
      blockInfo[2 * blocks] = j;
      blocks++;
    }
  }
  blockInfo[2 * blocks] = n;

  const builder = new RangeTableBuilder(width, 2 * blocks + 1);
  // Blocks nest at most one per prefix length: 33 deep for IPv4, 129 for IPv6.
  const stack = new Int32Array(32 * width + 1);
  let depth = 0;
  const cursor = new Uint32Array(width); // the first address not painted yet
  let cursorPastEnd = false; // a block ending at the very last address was painted
  const beforeStart = new Uint32Array(width);

  // Paints [cursor, end] with the block and moves the cursor past it.
  const paintUntil = (block: number, end: Uint32Array, endAt: number): void => {
    if (cursorPastEnd || compareWords(cursor, 0, end, endAt, width) > 0) return;
    builder.add(cursor, 0, end, endAt, block);
    for (let k = 0; k < width; k++) cursor[k] = end[endAt + k]!;
    cursorPastEnd = !increment(cursor, width);
  };

  for (let b = 0; b < blocks; b++) {
    const startAt = blockEntry[b]! * width;
    // Close the open blocks that end before this one starts, painting what is left of each.
    while (depth > 0) {
      const endAt = blockEntry[stack[depth - 1]!]! * width;
      if (compareWords(lasts, endAt, firsts, startAt, width) >= 0) break;
      paintUntil(stack[depth - 1]!, lasts, endAt);
      depth--;
    }
    if (depth > 0) {
      // The innermost open block holds this one: it is the parent and owns the gap before it.
      const holder = stack[depth - 1]!;
      blockInfo[2 * b + 1] = holder;
      if (compareWords(cursor, 0, firsts, startAt, width) < 0) {
        for (let k = 0; k < width; k++) beforeStart[k] = firsts[startAt + k]!;
        decrement(beforeStart, width);
        paintUntil(holder, beforeStart, 0);
      }
    } else {
      blockInfo[2 * b + 1] = -1;
    }
    for (let k = 0; k < width; k++) cursor[k] = firsts[startAt + k]!;
    stack[depth++] = b;
  }
  while (depth > 0) {
    paintUntil(stack[depth - 1]!, lasts, blockEntry[stack[depth - 1]!]! * width);
    depth--;
  }
  return {
    table: builder.build(),
    blocks,
    blockInfo: blockInfo.slice(0, 2 * blocks + 2),
    windows,
    entries,
    touched24:
      width === 1 && blocks >= 4096 ? touchedPrefixes(blocks, blockInfo, blockEntry, firsts, lasts) : null,
  };
}

// Marks the /24 prefixes of the outermost blocks; they are disjoint, so at most 2^24 bits are set
// however the blocks nest.
function touchedPrefixes(
  blocks: number,
  blockInfo: Int32Array,
  blockEntry: Uint32Array,
  firsts: Uint32Array,
  lasts: Uint32Array,
): Uint8Array {
  const bits = new Uint8Array(1 << 21);
  for (let b = 0; b < blocks; b++) {
    if (blockInfo[2 * b + 1] !== -1) continue;
    const last = lasts[blockEntry[b]!]! >>> 8;
    for (let prefix = firsts[blockEntry[b]!]! >>> 8; prefix <= last; prefix++) {
      bits[prefix >>> 3]! |= 1 << (prefix & 7);
    }
  }
  return bits;
}

// Adds one to the address in place; false when it wrapped past the last address.
function increment(words: Uint32Array, width: number): boolean {
  for (let k = width - 1; k >= 0; k--) {
    words[k] = (words[k]! + 1) >>> 0;
    if (words[k] !== 0) return true;
  }
  return false;
}

// Subtracts one in place; only called on addresses above another, so it never wraps.
function decrement(words: Uint32Array, width: number): void {
  for (let k = width - 1; k >= 0; k--) {
    const word = words[k]!;
    words[k] = (word - 1) >>> 0;
    if (word !== 0) return;
  }
}
