import type { Random } from './random.ts';

/** One item, chosen with probability proportional to its weight. */
export function pickWeighted<T>(rnd: Random, items: readonly T[], weights: readonly number[]): T {
  let total = 0;
  for (const w of weights) total += w;
  let r = rnd.next() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** Up to `count` distinct items in random order. */
export function sample<T>(rnd: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rnd.int(0, pool.length - 1), 1)[0]!);
  return out;
}

/** An instant drawn evenly from [from, to) (ms), whole milliseconds; `from` when the span is empty. */
export function instantBetween(rnd: Random, from: number, to: number): number {
  return Math.floor(from + rnd.next() * Math.max(0, to - from));
}
