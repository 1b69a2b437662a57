/**
 * Builds a reader for one of Graph's evolvable enums: a value is matched exactly, then ignoring case
 * and surrounding space; a value Graph may add later becomes `unknownFutureValue`, as Graph itself
 * reports it to older clients; absent or blank is null.
 */
export function createEnumNormaliser<T extends string>(members: readonly T[], unknown: T) {
  // Keyed by exact and lower-case spelling: exact hits, the common case, skip `toLowerCase`.
  const bySpelling = new Map<string, T>(
    members.flatMap((m) => [
      [m, m],
      [m.toLowerCase(), m],
    ]),
  );
  return (value: unknown): T | null => {
    if (typeof value !== 'string' || value.length === 0) return null;
    const exact = bySpelling.get(value);
    if (exact !== undefined) return exact;
    const key = value.trim().toLowerCase();
    if (key.length === 0) return null;
    return bySpelling.get(key) ?? unknown;
  };
}
