import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIpv4, findIpv6, RangeTableBuilder } from './range-table.ts';

function v4Table(ranges: [number, number, number][]) {
  const builder = new RangeTableBuilder(1);
  for (const [start, end, value] of ranges)
    builder.add(Uint32Array.of(start), 0, Uint32Array.of(end), 0, value);
  return builder.build();
}

// Brute force over the same ranges: the last-starting range holding the address wins, with start ties
// going to the shorter range and then to the later one; the rule the builder documents.
function bruteForce(ranges: [number, number, number][], address: number): number {
  let best: [number, number, number] | null = null;
  let bestOrder = -1;
  ranges.forEach((range, order) => {
    if (range[0] > address || range[1] < address) return;
    const wins =
      best === null ||
      range[0] > best[0] ||
      (range[0] === best[0] && (range[1] < best[1] || (range[1] === best[1] && order > bestOrder)));
    if (wins) {
      best = range;
      bestOrder = order;
    }
  });
  return best === null ? -1 : (best as [number, number, number])[2];
}

describe('RangeTableBuilder and findIpv4', () => {
  it('finds values in sorted, disjoint ranges and misses the gaps', () => {
    const table = v4Table([
      [10, 19, 1],
      [30, 39, 2],
      [40, 40, 3],
    ]);
    assert.deepEqual(
      [0, 10, 15, 19, 20, 29, 30, 39, 40, 41, 0xffffffff].map((a) => findIpv4(table, a)),
      [-1, 1, 1, 1, -1, -1, 2, 2, 3, -1, -1],
    );
  });

  it('clips a partial overlap in streaming order: the later range wins its span', () => {
    // The shape found in the ASN data (a DoD block overlapping the next one).
    const table = v4Table([
      [100, 200, 1],
      [150, 250, 2],
    ]);
    assert.equal(table.count, 2);
    assert.deepEqual(
      [100, 149, 150, 200, 250, 251].map((a) => findIpv4(table, a)),
      [1, 1, 2, 2, 2, -1],
    );
  });

  it('lets a nested range win inside its parent and the parent resume after it', () => {
    const table = v4Table([
      [0, 1000, 1],
      [100, 199, 2],
      [150, 159, 3],
      [500, 500, 4],
    ]);
    assert.deepEqual(
      [0, 99, 100, 149, 150, 159, 160, 199, 200, 499, 500, 501, 1000, 1001].map((a) => findIpv4(table, a)),
      [1, 1, 2, 2, 3, 3, 2, 2, 1, 1, 4, 1, 1, -1],
    );
  });

  it('handles unsorted input, equal starts and the top of the address space', () => {
    const table = v4Table([
      [0xfffffff0, 0xffffffff, 9],
      [5, 9, 1],
      [5, 100, 2],
      [5, 9, 3],
    ]);
    assert.deepEqual(
      [4, 5, 9, 10, 100, 0xfffffff0, 0xffffffff].map((a) => findIpv4(table, a)),
      [-1, 3, 3, 2, 2, 9, 9],
    );
  });

  it('agrees with brute force on random overlapping ranges, with and without the /16 index', () => {
    let state = 42;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (const [count, span] of [
      [50, 2 ** 20],
      [6000, 2 ** 32],
    ] as const) {
      const ranges: [number, number, number][] = [];
      for (let i = 0; i < count; i++) {
        const start = random(span);
        const end = Math.min(0xffffffff, start + random(2 ** 18));
        ranges.push([start, end, i]);
      }
      const table = v4Table(ranges);
      assert.equal(table.prefix16 !== null, count >= 4096);
      for (let i = 0; i < 5000; i++) {
        const address = i % 2 === 0 ? random(span) : ranges[random(count)]![0] + random(3) - 1;
        if (address < 0) continue;
        assert.equal(findIpv4(table, address), bruteForce(ranges, address), `address ${address}`);
      }
    }
  });

  it('rejects a range whose start is after its end', () => {
    assert.throws(() => v4Table([[5, 4, 1]]), RangeError);
  });
});

describe('findIpv6', () => {
  const words = (hex: string) => {
    const value = BigInt(`0x${hex.padStart(32, '0')}`);
    return Uint32Array.from([96n, 64n, 32n, 0n], (shift) => Number((value >> shift) & 0xffffffffn));
  };

  it('compares all four words and repairs nested ranges', () => {
    const builder = new RangeTableBuilder(4);
    const add = (start: string, end: string, value: number) =>
      builder.add(words(start), 0, words(end), 0, value);
    add('20010db8000000000000000000000000', '20010db8ffffffffffffffffffffffff', 1);
    add('20010db8000100000000000000000000', '20010db80001ffffffffffffffffffff', 2);
    add('20010db9000000000000000000000000', '20010db9000000000000000000000000', 3);
    const table = builder.build();
    const find = (hex: string) => {
      const w = words(hex);
      return findIpv6(table, w[0]!, w[1]!, w[2]!, w[3]!);
    };
    assert.equal(find('20010db7ffffffffffffffffffffffff'), -1);
    assert.equal(find('20010db8000000000000000000000000'), 1);
    assert.equal(find('20010db8000100000000000000000001'), 2);
    assert.equal(find('20010db80002ffffffffffffffffffff'), 1);
    assert.equal(find('20010db9000000000000000000000000'), 3);
    assert.equal(find('20010db9000000000000000000000001'), -1);
  });

  it('clips partial overlaps whose boundary borrows across words', () => {
    const builder = new RangeTableBuilder(4);
    builder.add(words('1'.padEnd(32, '0')), 0, words('2'.padEnd(32, '0')), 0, 1);
    builder.add(words('2'.padEnd(24, '0').padEnd(32, '0')), 0, words('3'.padEnd(32, '0')), 0, 2);
    const table = builder.build();
    const justBefore = words('1'.padEnd(32, 'f'));
    assert.equal(findIpv6(table, justBefore[0]!, justBefore[1]!, justBefore[2]!, justBefore[3]!), 1);
    const at = words('2'.padEnd(32, '0'));
    assert.equal(findIpv6(table, at[0]!, at[1]!, at[2]!, at[3]!), 2);
    assert.deepEqual([...table.ends.subarray(0, 4)], [0x1fffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });
});
