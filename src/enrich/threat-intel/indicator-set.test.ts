import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../simulate/random.ts';
import type { IpIndicator } from './indicator.ts';
import { createIndicatorSet } from './indicator-set.ts';

/** A deterministic generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  const rnd = createRandom(seed);
  return () => rnd.next();
}

// Matching needs public addresses (documentation ranges are special-purpose and never match), so the
// lists here use 11.0.0.0/8, a block never announced on the Internet, and 3ffe::/16, the returned 6bone
// range: valid public space that no real network answers for.
const AT = '2024-03-10T12:00:00.000Z';

function indicator(cidr: string, confidence: number, extra: Partial<IpIndicator> = {}): IpIndicator {
  return {
    cidr,
    source: 'test-list',
    confidence,
    labels: [],
    validFrom: null,
    validUntil: null,
    id: null,
    description: `${cidr} @ ${confidence}`,
    ...extra,
  };
}

const names = (found: IpIndicator[] | null) => found?.map((i) => i.description) ?? null;

describe('createIndicatorSet', () => {
  const nested = [
    indicator('11.22.0.0/16', 40),
    indicator('11.22.33.44', 90),
    indicator('11.0.0.0/8', 10),
    indicator('11.22.33.0/24', 60),
    indicator('11.22.33.44/32', 95),
  ];

  it('finds every overlapping block, the most specific first, then by confidence', () => {
    const set = createIndicatorSet(nested);
    assert.deepEqual(names(set.match('11.22.33.44', AT)), [
      '11.22.33.44/32 @ 95',
      '11.22.33.44 @ 90',
      '11.22.33.0/24 @ 60',
      '11.22.0.0/16 @ 40',
      '11.0.0.0/8 @ 10',
    ]);
    assert.deepEqual(names(set.match('11.22.33.45', AT)), [
      '11.22.33.0/24 @ 60',
      '11.22.0.0/16 @ 40',
      '11.0.0.0/8 @ 10',
    ]);
    assert.deepEqual(names(set.match('11.22.33.43', AT)), [
      '11.22.33.0/24 @ 60',
      '11.22.0.0/16 @ 40',
      '11.0.0.0/8 @ 10',
    ]);
    assert.deepEqual(names(set.match('11.22.34.0', AT)), ['11.22.0.0/16 @ 40', '11.0.0.0/8 @ 10']);
    assert.deepEqual(names(set.match('11.22.255.255', AT)), ['11.22.0.0/16 @ 40', '11.0.0.0/8 @ 10']);
    assert.deepEqual(names(set.match('11.23.0.0', AT)), ['11.0.0.0/8 @ 10']);
    assert.deepEqual(names(set.match('11.255.255.255', AT)), ['11.0.0.0/8 @ 10']);
    assert.equal(set.match('12.0.0.0', AT), null);
    assert.equal(set.match('10.255.255.255', AT), null);
    assert.equal(set.size, 5);
    assert.deepEqual(
      { ...set.stats, buildMs: 0 },
      { ipv4Blocks: 4, ipv6Blocks: 0, belowMinConfidence: 0, buildMs: 0 },
    );
  });

  it('answers the same whatever the order of the input', () => {
    const reversed = createIndicatorSet([...nested].reverse());
    assert.deepEqual(names(reversed.match('11.22.33.44', AT)), [
      '11.22.33.44/32 @ 95',
      '11.22.33.44 @ 90',
      '11.22.33.0/24 @ 60',
      '11.22.0.0/16 @ 40',
      '11.0.0.0/8 @ 10',
    ]);
  });

  it('returns the indicators themselves, with their source and labels', () => {
    const listed = indicator('11.9.8.7', 80, {
      source: 'spamhaus-drop',
      labels: ['hijacked'],
      id: 'SBL000101',
    });
    const [found] = createIndicatorSet([listed]).match('11.9.8.7', AT) ?? [];
    assert.equal(found, listed);
  });

  it('matches only indicators valid at the event time: from inclusive, until exclusive', () => {
    const set = createIndicatorSet([
      indicator('11.1.1.1', 90, {
        validFrom: '2024-03-01T00:00:00.000Z',
        validUntil: '2024-03-08T00:00:00.000Z',
      }),
      indicator('11.1.1.0/24', 50, { validFrom: '2024-03-05T00:00:00.000Z' }),
      indicator('11.1.0.0/16', 20, { validUntil: '2024-03-09T00:00:00+01:00' }),
    ]);
    // Before the /32 and the /24 begin, only the /16, which has no start, holds.
    assert.deepEqual(names(set.match('11.1.1.1', '2024-02-29T23:59:59.999Z')), ['11.1.0.0/16 @ 20']);
    assert.deepEqual(names(set.match('11.1.1.1', '2024-03-01T00:00:00.000Z')), [
      '11.1.1.1 @ 90',
      '11.1.0.0/16 @ 20',
    ]);
    assert.deepEqual(names(set.match('11.1.1.1', '2024-03-07T23:59:59.999Z')), [
      '11.1.1.1 @ 90',
      '11.1.1.0/24 @ 50',
      '11.1.0.0/16 @ 20',
    ]);
    // The /32 has expired; the blocks around it still hold until their own ends.
    assert.deepEqual(names(set.match('11.1.1.1', '2024-03-08T00:00:00.000Z')), [
      '11.1.1.0/24 @ 50',
      '11.1.0.0/16 @ 20',
    ]);
    assert.deepEqual(names(set.match('11.1.1.1', '2024-03-08T23:00:00.000Z')), ['11.1.1.0/24 @ 50']);
    // Times in other zones are read as the instants they name.
    assert.equal(set.match('11.1.2.3', '2024-03-08T23:30:00-01:00'), null);
    assert.deepEqual(names(set.match('11.1.2.3', '2024-03-08T23:30:00+01:00')), ['11.1.0.0/16 @ 20']);
  });

  it('matches only indicators without a window when the event time is unreadable', () => {
    const set = createIndicatorSet([
      indicator('11.1.1.1', 90, { validUntil: '2030-01-01T00:00:00Z' }),
      indicator('11.1.1.0/24', 50),
    ]);
    assert.deepEqual(names(set.match('11.1.1.1', 'last Tuesday')), ['11.1.1.0/24 @ 50']);
    assert.deepEqual(names(set.match('11.1.1.1', '2024-03-10 12:00:00')), ['11.1.1.0/24 @ 50']);
  });

  it('never matches special-purpose addresses, even when a list names them', () => {
    const set = createIndicatorSet([
      indicator('0.0.0.0/0', 5),
      indicator('192.0.2.0/24', 90),
      indicator('10.0.0.0/8', 90),
      indicator('2001:db8::/32', 90),
      indicator('::/0', 5),
    ]);
    for (const ip of [
      '192.0.2.1',
      '10.1.2.3',
      '127.0.0.1',
      '100.64.0.1',
      '2001:db8::1',
      'fe80::1',
      'fd00::1',
    ]) {
      assert.equal(set.match(ip, AT), null, ip);
    }
    assert.deepEqual(names(set.match('11.1.2.3', AT)), ['0.0.0.0/0 @ 5']);
    assert.deepEqual(names(set.match('3ffe:b00::1', AT)), ['::/0 @ 5']);
  });

  it('matches IPv6 blocks inside each other, and IPv4-mapped addresses as IPv4', () => {
    const set = createIndicatorSet([
      indicator('3ffe:b00::/32', 30),
      indicator('3ffe:b00:c18::/48', 60),
      indicator('3FFE:B00:C18:1::1', 90),
      indicator('::ffff:11.22.0.0/112', 70),
    ]);
    assert.deepEqual(names(set.match('3ffe:b00:c18:1::1', AT)), [
      '3FFE:B00:C18:1::1 @ 90',
      '3ffe:b00:c18::/48 @ 60',
      '3ffe:b00::/32 @ 30',
    ]);
    assert.deepEqual(names(set.match('3ffe:b00:c18:1::2', AT)), [
      '3ffe:b00:c18::/48 @ 60',
      '3ffe:b00::/32 @ 30',
    ]);
    assert.deepEqual(names(set.match('3ffe:b00:ffff:ffff:ffff:ffff:ffff:ffff', AT)), ['3ffe:b00::/32 @ 30']);
    assert.equal(set.match('3ffe:b01::', AT), null);
    assert.deepEqual(names(set.match('11.22.1.1', AT)), ['::ffff:11.22.0.0/112 @ 70']);
    assert.deepEqual(names(set.match('::ffff:11.22.1.1', AT)), ['::ffff:11.22.0.0/112 @ 70']);
    assert.deepEqual(
      { ...set.stats, buildMs: 0 },
      { ipv4Blocks: 1, ipv6Blocks: 3, belowMinConfidence: 0, buildMs: 0 },
    );
  });

  it('handles blocks at the ends of the address space', () => {
    const set = createIndicatorSet([indicator('255.255.255.255', 1), indicator('1.0.0.0', 2)]);
    // Both ends are special-purpose or not: 255.255.255.255 is broadcast, 1.0.0.0 is public.
    assert.equal(set.match('255.255.255.255', AT), null);
    assert.deepEqual(names(set.match('1.0.0.0', AT)), ['1.0.0.0 @ 2']);
    assert.equal(set.match('1.0.0.1', AT), null);
  });

  it('lists unusable indicators instead of throwing, and leaves out low confidence on request', () => {
    const set = createIndicatorSet(
      [
        indicator('11.1.1.1', 90),
        indicator('11.1.1.256', 90),
        indicator('11.1.1.2', Number.NaN),
        indicator('11.1.1.3', 90, { validFrom: 'tomorrow' }),
        null as unknown as IpIndicator,
        indicator('11.1.1.4', 20),
      ],
      { minConfidence: 30 },
    );
    assert.deepEqual(
      set.rejected.map((r) => r.index),
      [1, 2, 3, 4],
    );
    assert.equal(set.size, 1);
    assert.equal(set.stats.belowMinConfidence, 1);
    assert.equal(set.match('11.1.1.4', AT), null);
    for (const ip of ['', 'not-an-ip', '11.1.1', null, undefined, 42]) {
      assert.equal(set.match(ip as string, AT), null);
    }
  });

  it('agrees with a brute-force scan over thousands of nested IPv4 blocks', () => {
    // A small region so that blocks nest deeply; more than 4096 blocks to use the /24 prefilter.
    const random = seeded(7);
    const list: IpIndicator[] = [];
    const blocks: { first: number; last: number; prefix: number }[] = [];
    for (let i = 0; i < 6000; i++) {
      const prefix = 14 + Math.floor(random() * 19);
      const size = 2 ** (32 - prefix);
      const address = 0x0b000000 + Math.floor(random() * 2 ** 18) * 64 + Math.floor(random() * 64);
      const first = address - (address % size);
      const cidr = `${dotted(first)}/${prefix}`;
      const from = random() < 0.3 ? Date.UTC(2024, 2, 1 + Math.floor(random() * 20)) : null;
      const until = random() < 0.3 ? Date.UTC(2024, 2, 5 + Math.floor(random() * 20)) : null;
      list.push(
        indicator(cidr, Math.floor(random() * 101), {
          description: String(i),
          validFrom: from === null ? null : new Date(from).toISOString(),
          validUntil:
            until === null || (from !== null && until <= from) ? null : new Date(until).toISOString(),
        }),
      );
      blocks.push({ first, last: first + size - 1, prefix });
    }
    const set = createIndicatorSet(list);
    assert.ok(set.stats.ipv4Blocks > 4096);
    const probes: number[] = [];
    for (const { first, last } of blocks.slice(0, 800)) probes.push(first - 1, first, last, last + 1);
    for (let i = 0; i < 3000; i++) probes.push(0x0b000000 + Math.floor(random() * 2 ** 24));
    for (const address of probes) {
      const at = new Date(Date.UTC(2024, 2, 1 + Math.floor(random() * 30))).toISOString();
      const time = Date.parse(at);
      const expected = list
        .map((item, i) => ({ item, i, block: blocks[i]! }))
        .filter(
          ({ item, block }) =>
            address >= block.first &&
            address <= block.last &&
            (item.validFrom === null || Date.parse(item.validFrom) <= time) &&
            (item.validUntil === null || time < Date.parse(item.validUntil)),
        )
        .sort((a, b) => b.block.prefix - a.block.prefix || b.item.confidence - a.item.confidence || a.i - b.i)
        .map(({ item }) => item.description);
      assert.deepEqual(
        names(set.match(dotted(address), at)),
        expected.length === 0 ? null : expected,
        dotted(address),
      );
    }
  });

  it('agrees with a brute-force scan over nested IPv6 blocks', () => {
    const random = seeded(11);
    const base = 0x3ffe0b00n << 96n;
    const list: IpIndicator[] = [];
    const blocks: { first: bigint; last: bigint; prefix: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const prefix = 32 + Math.floor(random() * 97);
      const size = 1n << BigInt(128 - prefix);
      const address = base + (randomBigInt(random, 96) >> BigInt(Math.floor(random() * 64)));
      const first = address - (address % size);
      list.push(indicator(`${hex(first)}/${prefix}`, Math.floor(random() * 101), { description: String(i) }));
      blocks.push({ first, last: first + size - 1n, prefix });
    }
    const set = createIndicatorSet(list);
    const probes: bigint[] = [];
    for (const { first, last } of blocks) probes.push(first - 1n, first, last, last + 1n);
    for (let i = 0; i < 1000; i++)
      probes.push(base + (randomBigInt(random, 96) >> BigInt(Math.floor(random() * 64))));
    for (const address of probes) {
      const expected = list
        .map((item, i) => ({ item, i, block: blocks[i]! }))
        .filter(({ block }) => address >= block.first && address <= block.last)
        .sort((a, b) => b.block.prefix - a.block.prefix || b.item.confidence - a.item.confidence || a.i - b.i)
        .map(({ item }) => item.description);
      assert.deepEqual(
        names(set.match(hex(address), AT)),
        expected.length === 0 ? null : expected,
        hex(address),
      );
    }
  });
});

function randomBigInt(random: () => number, bits: number): bigint {
  let value = 0n;
  for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(Math.floor(random() * 65536));
  return value & ((1n << BigInt(bits)) - 1n);
}

function dotted(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

function hex(address: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((address >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}
