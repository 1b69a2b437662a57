// A seeded generator, because simulated tenants and benchmark inputs must be byte-identical for a
// seed on every machine and Node version; Math.random can be neither seeded nor reproduced.
// sfc32 is small, fast in plain 32-bit integer arithmetic and passes PractRand for far longer than
// any simulation runs.

/** A deterministic source of pseudo-random values. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  uint32(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A lower-case RFC 4122 version 4 GUID. */
  guid(): string;
  /** n lower-case hex digits. */
  hex(n: number): string;
}

// Two hex digits per byte value, so a GUID costs four table look-ups per 32-bit word.
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexWord(word: number): string {
  return (
    HEX_BYTE[(word >>> 24) & 0xff]! +
    HEX_BYTE[(word >>> 16) & 0xff]! +
    HEX_BYTE[(word >>> 8) & 0xff]! +
    HEX_BYTE[word & 0xff]!
  );
}

/** Creates a generator whose whole sequence is fixed by `seed` (any number; only its low 32 bits count). */
export function createRandom(seed: number): Random {
  // splitmix32 spreads the seed over the state, so nearby seeds give unrelated sequences.
  let s = seed >>> 0;
  const mix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = 1;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 needs a few rounds before the state is well mixed.
  for (let i = 0; i < 12; i++) uint32();

  const next = (): number => uint32() / 4294967296;

  return {
    next,
    uint32,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)]!;
    },
    chance(p) {
      return next() < p;
    },
    guid() {
      const w1 = uint32();
      const w2 = uint32();
      const w3 = uint32();
      const w4 = uint32();
      const h2 = hexWord(((w2 & 0xffff0fff) | 0x00004000) >>> 0);
      const h3 = hexWord(((w3 & 0x3fffffff) | 0x80000000) >>> 0);
      return `${hexWord(w1)}-${h2.slice(0, 4)}-${h2.slice(4)}-${h3.slice(0, 4)}-${h3.slice(4)}${hexWord(w4)}`;
    },
    hex(n) {
      let out = '';
      while (out.length < n) out += hexWord(uint32());
      return out.slice(0, n);
    },
  };
}

/**
 * The seed of an independent stream for one purpose of a seeded run, so adding draws to one stream
 * leaves every other stream's output unchanged.
 */
export function deriveSeed(seed: number, purpose: number): number {
  return (Math.imul(seed >>> 0, 16) + purpose) >>> 0;
}
