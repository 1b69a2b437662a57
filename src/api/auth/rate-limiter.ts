/** How fast requests may come, and how many callers are tracked at once. */
export interface RateLimiterOptions {
  /** Sustained requests per minute per key; also the burst a rested key may spend at once. */
  perMinute: number;
  /** Keys tracked at most; beyond, rested keys and then the oldest are forgotten. */
  maxKeys?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

/** Counts requests per key (a caller, a client address) with one token bucket each. */
export interface RateLimiter {
  /** Spends one request of `key`: 0 when allowed, else the whole seconds until one is. */
  take(key: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 50_000;

/**
 * A token-bucket limiter over a bounded map: one lookup and a little arithmetic per request. Null
 * when `perMinute` is 0 (limits off), so callers skip it entirely.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter | null {
  const { perMinute } = options;
  if (perMinute <= 0) return null;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  // Forgetting a key hands it a full bucket, so rested keys go first: for them nothing changes.
  const makeRoom = (t: number) => {
    for (const [key, b] of buckets) {
      if (b.tokens + (t - b.at) * perMs >= perMinute) buckets.delete(key);
    }
    // Still crowded (many busy keys): drop the oldest tenth at once, so the sweep stays rare.
    if (buckets.size >= maxKeys) {
      let drop = Math.max(1, Math.ceil(maxKeys / 10));
      for (const key of buckets.keys()) {
        if (drop-- === 0) break;
        buckets.delete(key);
      }
    }
  };

  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (b === undefined) {
        if (buckets.size >= maxKeys) makeRoom(t);
        b = { tokens: perMinute, at: t };
        buckets.set(key, b);
      } else if (t > b.at) {
        b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
        b.at = t;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
  };
}
