// A principal uses a handful of user agents and AS organisations, so feature extraction sees the same
// few strings millions of times; remembering their normalised form turns parsing into one Map lookup.
// The memo is bounded because the strings come from the outside world (a scanner can send a new user
// agent per request): when full it starts over, which costs one re-parse per string and no growth.

/** A memoised form of a one-argument string function, remembering at most `limit` results. */
export function memoiseBounded<T>(compute: (input: string) => T, limit: number): (input: string) => T {
  const results = new Map<string, T>();
  return (input: string): T => {
    const known = results.get(input);
    if (known !== undefined) return known;
    const result = compute(input);
    if (results.size >= limit) results.clear();
    results.set(input, result);
    return result;
  };
}
