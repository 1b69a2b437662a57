// Address ranges in sorted typed arrays, found by binary search: ~400k IPv4 ranges cost 12 bytes each
// and a lookup reads a handful of array slots without allocating. An object per range would cost
// several times the memory and give the garbage collector half a million objects to trace.

/** Words per address: 1 for IPv4 (the unsigned 32-bit address), 4 for IPv6 (big-endian words). */
export type AddressWidth = 1 | 4;

/** Sorted, non-overlapping inclusive ranges with one value each, searched by findIpv4 / findIpv6. */
export interface RangeTable {
  readonly width: AddressWidth;
  readonly count: number;
  /** Range starts, `width` words per range. */
  readonly starts: Uint32Array;
  /** Range ends (inclusive), `width` words per range. */
  readonly ends: Uint32Array;
  readonly values: Int32Array;
  /**
   * IPv4 only: for each /16 prefix p, the number of ranges starting before p.0.0, so a lookup
   * binary-searches only the few ranges that can hold its /16 (measured ~2× faster than searching
   * all ~400k ranges) at the price of 256 KB.
   */
  readonly prefix16: Uint32Array | null;
}

/** Value of the IPv4 range holding `address`, or -1. */
export function findIpv4(table: RangeTable, address: number): number {
  const { starts, ends, values, prefix16 } = table;
  let lo = 0;
  let hi = table.count - 1;
  if (prefix16 !== null) {
    const prefix = address >>> 16;
    hi = prefix16[prefix + 1]! - 1;
    lo = prefix16[prefix]! - 1;
    if (lo < 0) lo = 0;
  }
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= address) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0 || ends[found]! < address) return -1;
  return values[found]!;
}

function compareAt(words: Uint32Array, at: number, w0: number, w1: number, w2: number, w3: number): number {
  const a0 = words[at]!;
  if (a0 !== w0) return a0 < w0 ? -1 : 1;
  const a1 = words[at + 1]!;
  if (a1 !== w1) return a1 < w1 ? -1 : 1;
  const a2 = words[at + 2]!;
  if (a2 !== w2) return a2 < w2 ? -1 : 1;
  const a3 = words[at + 3]!;
  if (a3 !== w3) return a3 < w3 ? -1 : 1;
  return 0;
}

/** Value of the IPv6 range holding the address w0:w1:w2:w3 (big-endian words), or -1. */
export function findIpv6(table: RangeTable, w0: number, w1: number, w2: number, w3: number): number {
  const { starts, ends, values } = table;
  let lo = 0;
  let hi = table.count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(starts, mid * 4, w0, w1, w2, w3) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0 || compareAt(ends, found * 4, w0, w1, w2, w3) < 0) return -1;
  return values[found]!;
}

/** Compares two addresses of `width` words each, stored in word arrays at the given offsets. */
export function compareWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const x = a[ai + k]!;
    const y = b[bi + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function toBigInt(words: Uint32Array, at: number, width: number): bigint {
  let value = 0n;
  for (let k = 0; k < width; k++) value = (value << 32n) | BigInt(words[at + k]!);
  return value;
}

function fromBigInt(value: bigint, words: Uint32Array, at: number, width: number): void {
  let rest = value;
  for (let k = width - 1; k >= 0; k--) {
    words[at + k] = Number(rest & 0xffffffffn);
    rest >>= 32n;
  }
}

/**
 * Collects ranges and builds a RangeTable. Where ranges overlap, the one that starts later wins for
 * its span (with start ties, the shorter one, then the one added last), so a more specific CIDR
 * beats the block around it. Sorted input with at most partial overlaps (the shape of the ASN data)
 * stays on a streaming path; anything else is repaired once at build time with BigInt arithmetic.
 */
export class RangeTableBuilder {
  readonly width: AddressWidth;
  #starts: Uint32Array;
  #ends: Uint32Array;
  #values: Int32Array;
  #count = 0;
  #needsRepair = false;

  constructor(width: AddressWidth, capacity = 1024) {
    this.width = width;
    this.#starts = new Uint32Array(capacity * width);
    this.#ends = new Uint32Array(capacity * width);
    this.#values = new Int32Array(capacity);
  }

  /** Number of ranges added so far. */
  get count(): number {
    return this.#count;
  }

  /** Adds the inclusive range [start, end] (`width` words each, read from the given offsets). */
  add(start: Uint32Array, startAt: number, end: Uint32Array, endAt: number, value: number): void {
    const width = this.width;
    if (compareWords(start, startAt, end, endAt, width) > 0)
      throw new RangeError('range start is after its end');
    if (this.#count === this.#values.length) this.#grow();
    const at = this.#count * width;
    if (this.#count > 0 && !this.#needsRepair) {
      const prev = at - width;
      if (compareWords(start, startAt, this.#ends, prev, width) <= 0) {
        const startsLater = compareWords(start, startAt, this.#starts, prev, width) > 0;
        const endsLater = compareWords(end, endAt, this.#ends, prev, width) > 0;
        // A partial overlap: clip the previous range to end just before this one.
        if (startsLater && endsLater) decrementInto(start, startAt, this.#ends, prev, width);
        else this.#needsRepair = true;
      }
    }
    for (let k = 0; k < width; k++) {
      this.#starts[at + k] = start[startAt + k]!;
      this.#ends[at + k] = end[endAt + k]!;
    }
    this.#values[this.#count] = value;
    this.#count++;
  }

  /** Freezes the ranges into a table with exactly sized arrays. */
  build(): RangeTable {
    if (this.#needsRepair) return this.#repair();
    const n = this.#count;
    return withPrefixIndex({
      width: this.width,
      count: n,
      starts: this.#starts.slice(0, n * this.width),
      ends: this.#ends.slice(0, n * this.width),
      values: this.#values.slice(0, n),
      prefix16: null,
    });
  }

  #grow(): void {
    const capacity = this.#values.length * 2;
    const starts = new Uint32Array(capacity * this.width);
    starts.set(this.#starts);
    const ends = new Uint32Array(capacity * this.width);
    ends.set(this.#ends);
    const values = new Int32Array(capacity);
    values.set(this.#values);
    this.#starts = starts;
    this.#ends = ends;
    this.#values = values;
  }

  // Paints the ranges over the address line: sorted by start, later (more specific) ranges sit on a
  // stack above the ones they interrupt, and an interrupted range resumes after the inner one ends.
  #repair(): RangeTable {
    const width = this.width;
    const n = this.#count;
    const rows = new Array<{ start: bigint; end: bigint; value: number; order: number }>(n);
    for (let i = 0; i < n; i++) {
      rows[i] = {
        start: toBigInt(this.#starts, i * width, width),
        end: toBigInt(this.#ends, i * width, width),
        value: this.#values[i]!,
        order: i,
      };
    }
    rows.sort((a, b) =>
      a.start !== b.start
        ? a.start < b.start
          ? -1
          : 1
        : a.end !== b.end
          ? a.end > b.end
            ? -1
            : 1
          : a.order - b.order,
    );
    const out: { start: bigint; end: bigint; value: number }[] = [];
    const emit = (start: bigint, end: bigint, value: number): void => {
      const last = out[out.length - 1];
      if (last && last.value === value && last.end + 1n === start) last.end = end;
      else out.push({ start, end, value });
    };
    const stack: { end: bigint; value: number }[] = [];
    let cursor = 0n;
    // Emits whatever the stack covers in [cursor, limit) and moves the cursor to limit.
    const flushUntil = (limit: bigint): void => {
      while (cursor < limit) {
        const top = stack[stack.length - 1];
        if (!top) break;
        if (top.end < cursor) {
          stack.pop();
          continue;
        }
        const stop = top.end < limit - 1n ? top.end : limit - 1n;
        emit(cursor, stop, top.value);
        cursor = stop + 1n;
      }
      if (cursor < limit) cursor = limit;
    };
    for (const row of rows) {
      flushUntil(row.start);
      stack.push({ end: row.end, value: row.value });
    }
    flushUntil(1n << BigInt(32 * width));
    const table = {
      width,
      count: out.length,
      starts: new Uint32Array(out.length * width),
      ends: new Uint32Array(out.length * width),
      values: new Int32Array(out.length),
      prefix16: null,
    };
    out.forEach((range, i) => {
      fromBigInt(range.start, table.starts, i * width, width);
      fromBigInt(range.end, table.ends, i * width, width);
      table.values[i] = range.value;
    });
    return withPrefixIndex(table);
  }
}

// Adds the /16 index to IPv4 tables big enough to profit from it.
function withPrefixIndex(table: RangeTable): RangeTable {
  if (table.width !== 1 || table.count < 4096) return table;
  const prefix16 = new Uint32Array(65537);
  let range = 0;
  for (let prefix = 0; prefix <= 65536; prefix++) {
    const first = prefix * 65536;
    while (range < table.count && table.starts[range]! < first) range++;
    prefix16[prefix] = range;
  }
  return { ...table, prefix16 };
}

// Writes value − 1 into target; value is never zero here because it starts after another range.
function decrementInto(value: Uint32Array, at: number, target: Uint32Array, targetAt: number, width: number) {
  let borrow = true;
  for (let k = width - 1; k >= 0; k--) {
    const word = value[at + k]!;
    if (borrow) {
      target[targetAt + k] = (word - 1) >>> 0;
      borrow = word === 0;
    } else {
      target[targetAt + k] = word;
    }
  }
}
