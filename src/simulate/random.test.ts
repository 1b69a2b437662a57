import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from './random.ts';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const rnd = createRandom(seed);
      return Array.from({ length: 50 }, () => rnd.uint32());
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('draws floats in [0, 1) and integers over the whole inclusive range', () => {
    const rnd = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const x = rnd.next();
      assert.ok(x >= 0 && x < 1);
      const n = rnd.int(3, 7);
      assert.ok(Number.isInteger(n) && n >= 3 && n <= 7);
      seen.add(n);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
  });

  it('makes valid lower-case version 4 GUIDs and hex strings of the asked length', () => {
    const rnd = createRandom(7);
    const guids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const g = rnd.guid();
      assert.match(g, GUID_V4);
      guids.add(g);
    }
    assert.equal(guids.size, 1000);
    for (const n of [1, 2, 8, 13, 40, 64]) assert.match(rnd.hex(n), new RegExp(`^[0-9a-f]{${n}}$`));
  });

  it('picks every element and honours chance roughly', () => {
    const rnd = createRandom(9);
    const items = ['a', 'b', 'c'] as const;
    const picked = new Set<string>();
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      picked.add(rnd.pick(items));
      if (rnd.chance(0.2)) hits++;
    }
    assert.equal(picked.size, 3);
    assert.ok(hits > 1800 && hits < 2200, `chance(0.2) hit ${hits} of 10000`);
    assert.throws(() => rnd.pick([]), RangeError);
  });
});
