import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AddressWidth, type RangeTable, RangeTableBuilder } from './range-table.ts';

/** ASN ranges of both address families; range values index the per-AS arrays `asns` and `orgs`. */
export interface AsnDatabase {
  ipv4: RangeTable;
  ipv6: RangeTable;
  /** AS number per AS record. */
  asns: Uint32Array;
  /** AS organisation per AS record, as the data spells it; one string instance per distinct name. */
  orgs: string[];
}

/** File names inside the `@ip-location-db/asn` package: numeric range bounds, inclusive. */
export const ASN_CSV_FILES = { ipv4: 'asn-ipv4-num.csv', ipv6: 'asn-ipv6-num.csv' } as const;

/** Reads both numeric ASN CSV files from the package directory and indexes them. */
export async function loadAsnDatabase(dir: string): Promise<AsnDatabase> {
  const [v4, v6] = await Promise.all([
    readFile(join(dir, ASN_CSV_FILES.ipv4)),
    readFile(join(dir, ASN_CSV_FILES.ipv6)),
  ]);
  const records = new AsRecordSet();
  const ipv4 = parseAsnCsv(v4, 1, records, ASN_CSV_FILES.ipv4);
  const ipv6 = parseAsnCsv(v6, 4, records, ASN_CSV_FILES.ipv6);
  return { ipv4, ipv6, ...records.finish() };
}

/**
 * Interns AS records: one record per distinct (AS number, organisation) pair, one string per distinct
 * organisation. ~515k ranges share ~90k records, so ranges carry a record index instead of their own
 * copies of the number and name. While loading, each record remembers the raw CSV bytes it was read
 * from, so the next row of the same AS is matched byte for byte without decoding a string.
 */
export class AsRecordSet {
  #asns = new Uint32Array(1024);
  readonly #orgs: string[] = [];
  // AS number → first record of that AS, as an open-addressing hash over typed arrays: with a
  // Map<number, number> in its place the whole parse measured 20–40% slower here (one lookup per row).
  #slots = new Int32Array(1 << 12);
  #shift = 32 - 12;
  #used = 0;
  // Rare: an AS whose organisation differs between rows keeps a second record, found by both keys.
  readonly #byAsnAndOrg = new Map<string, number>();
  readonly #orgStrings = new Map<string, string>();
  #rawData: (Buffer | undefined)[] = [];
  #rawFrom = new Int32Array(1024);
  #rawTo = new Int32Array(1024);

  // First record of the AS, or -1.
  #first(asn: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    // Fibonacci hashing: the product's high bits mix all bits of the AS number.
    for (let i = Math.imul(asn, 0x9e3779b1) >>> this.#shift; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      if (this.#asns[slot - 1] === asn) return slot - 1;
    }
  }

  #setFirst(asn: number, record: number): void {
    if (++this.#used * 2 > this.#slots.length) {
      const old = this.#slots;
      this.#slots = new Int32Array(old.length * 2);
      this.#shift--;
      for (const slot of old) if (slot !== 0) this.#place(this.#asns[slot - 1]!, slot);
    }
    this.#place(asn, record + 1);
  }

  #place(asn: number, slot: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = Math.imul(asn, 0x9e3779b1) >>> this.#shift;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = slot;
  }

  /** Record index for the AS number and organisation, adding a record the first time. */
  intern(asn: number, org: string): number {
    const first = this.#first(asn);
    if (first >= 0 && this.#orgs[first] === org) return first;
    const key = `${asn}\u0000${org}`;
    if (first >= 0) {
      const other = this.#byAsnAndOrg.get(key);
      if (other !== undefined) return other;
    }
    const index = this.#orgs.length;
    if (index === this.#asns.length) this.#grow();
    this.#asns[index] = asn;
    let shared = this.#orgStrings.get(org);
    if (shared === undefined) {
      shared = org;
      this.#orgStrings.set(org, org);
    }
    this.#orgs.push(shared);
    if (first < 0) this.#setFirst(asn, index);
    else this.#byAsnAndOrg.set(key, index);
    return index;
  }

  /**
   * Record index for the AS number and the organisation field data[from, to) as it stands in the
   * CSV (possibly quoted); null when its quoting is broken.
   */
  internField(asn: number, data: Buffer, from: number, to: number): number | null {
    const first = this.#first(asn);
    if (first >= 0 && this.#rawData[first] === data) {
      const rawFrom = this.#rawFrom[first]!;
      if (this.#rawTo[first]! - rawFrom === to - from) {
        let same = true;
        for (let i = 0; i < to - from; i++) {
          if (data[from + i] !== data[rawFrom + i]) {
            same = false;
            break;
          }
        }
        if (same) return first;
      }
    }
    const org = readField(data, from, to);
    if (org === null) return null;
    const index = this.intern(asn, org);
    this.#rawData[index] = data;
    this.#rawFrom[index] = from;
    this.#rawTo[index] = to;
    return index;
  }

  /** The interned arrays; the lookup maps and raw byte positions are dropped with the set. */
  finish(): { asns: Uint32Array; orgs: string[] } {
    this.#rawData = [];
    return { asns: this.#asns.slice(0, this.#orgs.length), orgs: this.#orgs };
  }

  #grow(): void {
    const size = this.#asns.length * 2;
    const asns = new Uint32Array(size);
    asns.set(this.#asns);
    this.#asns = asns;
    const rawFrom = new Int32Array(size);
    rawFrom.set(this.#rawFrom);
    this.#rawFrom = rawFrom;
    const rawTo = new Int32Array(size);
    rawTo.set(this.#rawTo);
    this.#rawTo = rawTo;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

// Reads a non-negative decimal integer from data[from, …) up to the next comma into `width`
// big-endian 32-bit words and returns the comma's position, or -1. 128-bit IPv6 bounds exceed a
// double, so the IPv6 case multiplies and adds across the words, six digits at a time: a word times
// 10^6 plus carry stays below 2^53, so the double arithmetic is exact.
function readDecimal(data: Buffer, from: number, to: number, out: Uint32Array, width: AddressWidth): number {
  let i = from;
  if (width === 1) {
    let value = 0;
    for (; i < to; i++) {
      const c = data[i]!;
      if (c === COMMA) break;
      if (c < DIGIT_0 || c > DIGIT_9) return -1;
      value = value * 10 + (c - DIGIT_0);
    }
    if (i === from || i === to || value > 0xffffffff) return -1;
    out[0] = value;
    return i;
  }
  out.fill(0);
  let chunk = 0;
  let scale = 1;
  for (; i <= to; i++) {
    const c = i < to ? data[i]! : COMMA;
    const digit = c !== COMMA;
    if (digit) {
      if (c < DIGIT_0 || c > DIGIT_9) return -1;
      chunk = chunk * 10 + (c - DIGIT_0);
      scale *= 10;
    }
    if (scale === 1_000_000 || (!digit && scale > 1)) {
      let carry = chunk;
      for (let k = width - 1; k >= 0; k--) {
        const v = out[k]! * scale + carry;
        out[k] = v >>> 0;
        carry = Math.floor(v / 0x100000000);
      }
      if (carry !== 0) return -1;
      chunk = 0;
      scale = 1;
    }
    if (!digit) break;
  }
  if (i === from || i >= to) return -1;
  return i;
}

/**
 * Parses one numeric ASN CSV (`start,end,asn,organisation`, the organisation possibly quoted with
 * commas and doubled quotes inside) straight from its bytes into a RangeTable. A hand-written scan
 * instead of a CSV library: it runs over ~500k lines at every start, and decodes an organisation
 * string only for the first row of each AS. Throws on a malformed line, naming it, because that
 * means a broken data package.
 */
export function parseAsnCsv(
  data: Buffer,
  width: AddressWidth,
  records: AsRecordSet,
  name: string,
): RangeTable {
  const builder = new RangeTableBuilder(width, width === 1 ? 1 << 19 : 1 << 17);
  const start = new Uint32Array(width);
  const end = new Uint32Array(width);
  const asnWord = new Uint32Array(1);
  const length = data.length;
  let pos = 0;
  let line = 0;
  while (pos < length) {
    line++;
    if (data[pos] === LF || (data[pos] === CR && data[pos + 1] === LF)) {
      pos += data[pos] === LF ? 1 : 2;
      continue;
    }
    // The numbers first, then the organisation to the end of the line: one pass over the bytes.
    const c1 = readDecimal(data, pos, length, start, width);
    const c2 = c1 < 0 ? -1 : readDecimal(data, c1 + 1, length, end, width);
    const c3 = c2 < 0 ? -1 : readDecimal(data, c2 + 1, length, asnWord, 1);
    if (c3 < 0) throw new Error(`${name}:${line}: expected start,end,asn,organisation`);
    let eol = c3 + 1;
    while (eol < length && data[eol] !== LF) eol++;
    const stop = eol > c3 + 1 && data[eol - 1] === CR ? eol - 1 : eol;
    const record = records.internField(asnWord[0]!, data, c3 + 1, stop);
    if (record === null) throw new Error(`${name}:${line}: bad quoting`);
    let k = 0;
    while (k < width - 1 && start[k] === end[k]) k++;
    if (start[k]! > end[k]!) throw new Error(`${name}:${line}: range start after its end`);
    builder.add(start, 0, end, 0, record);
    pos = eol + 1;
  }
  return builder.build();
}

// The last field of a line, unquoting `"…"` with `""` escapes; null when the quoting is broken.
function readField(data: Buffer, from: number, to: number): string | null {
  if (from >= to || data[from] !== QUOTE) return data.toString('utf8', from, to);
  if (to - from < 2 || data[to - 1] !== QUOTE) return null;
  const inner = data.toString('utf8', from + 1, to - 1);
  return inner.includes('"') ? inner.replaceAll('""', '"') : inner;
}
