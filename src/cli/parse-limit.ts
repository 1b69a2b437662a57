/** Reads a `--limit` value: a whole number from 1 to 10,000, or the fallback when it is not one. */
export function parseLimit(text: string | undefined, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isInteger(n) ? Math.max(1, Math.min(10_000, n)) : fallback;
}
