import { Counter, Gauge, type Registry } from 'prom-client';
import type { ResponseCache } from '../graph/response-cache.ts';

/** The Graph response cache's hits, misses and size, read from the cache when scraped. */
export function registerResponseCacheMetrics(registry: Registry, cache: ResponseCache): void {
  new Counter({
    name: 'vigil_graph_response_cache_requests_total',
    help: 'Cacheable Graph reads by outcome: hit (served from memory), miss (queried and kept), skipped (queried, not kept).',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const s = cache.stats();
      this.reset();
      this.inc({ outcome: 'hit' }, s.hits);
      this.inc({ outcome: 'miss' }, s.misses);
      this.inc({ outcome: 'skipped' }, s.skipped);
    },
  });
  new Gauge({
    name: 'vigil_graph_response_cache_bytes',
    help: 'Memory the Graph response cache holds, in bytes (bodies, keys and bookkeeping).',
    registers: [registry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: 'vigil_graph_response_cache_entries',
    help: 'Responses the Graph response cache holds.',
    registers: [registry],
    collect() {
      this.set(cache.stats().entries);
    },
  });
}
