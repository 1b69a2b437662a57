import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeCounter } from '../../store/queries/bump-counter.ts';

/** How much the response cache may hold. */
export interface ResponseCacheOptions {
  /** Total budget in bytes (bodies, keys and bookkeeping); 0 turns the cache off. */
  maxBytes: number;
  /** Larger responses are served but not kept; defaults to an eighth of the budget, at most 4 MiB. */
  maxEntryBytes?: number;
}

/** What, besides the URL, decides the bytes of a Graph read. */
export interface CachedRead {
  /** The caller's tenant: entries of one tenant are never served to another. */
  tenantId: string;
  /** The service root `@odata.context` and `@odata.nextLink` are built on (origin and version). */
  root: string;
  /** Whether the client asked for evolvable enum members by name. */
  includeUnknownEnumMembers: boolean;
  /** The counters whose change can change the answer. */
  changesWith: readonly ChangeCounter[];
}

/** What the cache has done since the process started. */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Responses served but not kept: too large, or the data changed while they were computed. */
  skipped: number;
  evictions: number;
  entries: number;
  bytes: number;
}

interface Entry {
  body: Buffer;
  etag: string;
  /** Headers the computing request set (`preference-applied`, say), replayed on every hit. */
  headers: readonly (readonly [string, string])[];
  changesWith: readonly ChangeCounter[];
  /** The counters' values read before the answer was computed. */
  seen: readonly number[];
  bytes: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';
// Map entries, the key's string and the entry object: a rough, deliberately generous figure.
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * Serialized Graph responses, keyed by everything that decides their bytes and kept while the
 * change counters they depend on stand still. Consoles, SIEM connectors and scripts poll the same
 * queries over and over: a repeat costs a map lookup instead of a query and a serialisation.
 * Callers authenticate and check permissions before asking; only successful GETs are kept.
 */
export function createResponseCache(options: ResponseCacheOptions) {
  const maxBytes = options.maxBytes;
  const maxEntryBytes = options.maxEntryBytes ?? Math.min(4 * 1024 * 1024, Math.floor(maxBytes / 8));
  // Insertion order is recency order: a hit moves its entry to the end, eviction takes the front.
  const entries = new Map<string, Entry>();
  // Identical requests arriving while the first is computed wait for it instead of querying too.
  const inflight = new Map<string, Promise<Entry>>();
  let versions: Readonly<Record<ChangeCounter, number>> | null = null;
  let bytes = 0;
  const stats = { hits: 0, misses: 0, skipped: 0, evictions: 0 };

  const drop = (key: string, entry: Entry): void => {
    entries.delete(key);
    bytes -= entry.bytes;
  };

  const current = (changesWith: readonly ChangeCounter[], seen: readonly number[]): boolean => {
    if (versions === null) return false;
    for (let i = 0; i < changesWith.length; i++) {
      if (versions[changesWith[i]!] !== seen[i]) return false;
    }
    return true;
  };

  const keep = (key: string, entry: Entry): void => {
    if (entry.bytes > maxEntryBytes || !current(entry.changesWith, entry.seen)) {
      stats.skipped++;
      return;
    }
    const old = entries.get(key);
    if (old) drop(key, old);
    entries.set(key, entry);
    bytes += entry.bytes;
    for (const [k, e] of entries) {
      if (bytes <= maxBytes) break;
      drop(k, e);
      stats.evictions++;
    }
  };

  const send = (request: FastifyRequest, reply: FastifyReply, entry: Entry): Buffer | FastifyReply => {
    for (const [name, value] of entry.headers) reply.header(name, value);
    reply.header('etag', entry.etag);
    if (matchesEtag(request.headers['if-none-match'], entry.etag)) return reply.code(304).send();
    // A Buffer with a JSON content type goes out as it is: no second serialisation.
    reply.header('content-type', JSON_TYPE);
    return entry.body;
  };

  return {
    /** Whether responses are cached at all (a budget of 0 turns the cache off). */
    enabled: maxBytes > 0,
    /**
     * Takes the latest counter values: entries that depend on a counter that moved are dropped.
     * Called by the counter poll and right after a change made in this process.
     */
    setVersions(next: Readonly<Record<ChangeCounter, number>>): void {
      const before = versions;
      versions = { ...next };
      if (before === null) return;
      const moved = (Object.keys(next) as ChangeCounter[]).filter((c) => next[c] !== before[c]);
      if (moved.length === 0) return;
      for (const [key, entry] of entries) {
        if (entry.changesWith.some((c) => moved.includes(c))) drop(key, entry);
      }
    },
    /**
     * Answers a GET from the cache, or computes it, serialises it with the route's response schema,
     * keeps it and answers with the same bytes. Errors thrown by `compute` pass through, unkept.
     */
    async respond(
      request: FastifyRequest,
      reply: FastifyReply,
      read: CachedRead,
      compute: () => Promise<Record<string, unknown>>,
    ): Promise<unknown> {
      if (maxBytes <= 0 || request.method !== 'GET' || versions === null) return compute();
      const key = `${read.tenantId}\n${read.root}\n${read.includeUnknownEnumMembers ? 1 : 0}\n${request.url}`;
      const hit = entries.get(key);
      if (hit !== undefined) {
        if (current(hit.changesWith, hit.seen)) {
          stats.hits++;
          entries.delete(key);
          entries.set(key, hit);
          return send(request, reply, hit);
        }
        drop(key, hit);
      }
      const seen = read.changesWith.map((c) => versions?.[c] ?? -1);
      const flightKey = `${seen.join('.')}\n${key}`;
      const pending = inflight.get(flightKey);
      if (pending !== undefined) {
        stats.hits++;
        return send(request, reply, await pending);
      }
      stats.misses++;
      const computing = (async (): Promise<Entry> => {
        const before = new Set(Object.keys(reply.getHeaders()));
        const answer = await compute();
        const body = Buffer.from(reply.serialize(answer) as string);
        const headers: [string, string][] = [];
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (!before.has(name) && value !== undefined) headers.push([name, String(value)]);
        }
        return {
          body,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          headers,
          changesWith: read.changesWith,
          seen,
          bytes: body.length + key.length * 2 + ENTRY_OVERHEAD_BYTES,
        };
      })();
      inflight.set(flightKey, computing);
      try {
        const entry = await computing;
        keep(key, entry);
        return send(request, reply, entry);
      } finally {
        inflight.delete(flightKey);
      }
    },
    /** Counts since start, and what is held now. */
    stats(): ResponseCacheStats {
      return { ...stats, entries: entries.size, bytes };
    },
  };
}

/** A cache of serialized Graph responses. */
export type ResponseCache = ReturnType<typeof createResponseCache>;

/** Whether `If-None-Match` names the entity tag (or `*`); weak comparison, as RFC 9110 asks for GETs. */
function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const values = Array.isArray(header) ? header.join(',') : header;
  for (const raw of values.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}
