import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { ChangeCounter } from '../../store/queries/bump-counter.ts';
import { createResponseCache, type ResponseCacheOptions } from './response-cache.ts';

const versions = (over: Partial<Record<ChangeCounter, number>> = {}): Record<ChangeCounter, number> => ({
  risk_version: 1,
  policy_version: 1,
  detection_version: 1,
  directory_version: 1,
  ingest_batch: 1,
  api_key_version: 1,
  ...over,
});

/** A route answering from a counter of computations, through the cache, for tenant `x-tenant`. */
async function serve(
  options: ResponseCacheOptions,
  changesWith: readonly ChangeCounter[] = ['risk_version'],
) {
  const cache = createResponseCache(options);
  cache.setVersions(versions());
  const app = Fastify();
  let computed = 0;
  let fail = false;
  app.get(
    '/items',
    {
      schema: {
        response: { 200: { type: 'object', properties: { n: { type: 'number' }, pad: { type: 'string' } } } },
      },
    },
    async (request, reply) =>
      cache.respond(
        request,
        reply,
        {
          tenantId: String(request.headers['x-tenant']),
          root: 'http://h/v1.0',
          includeUnknownEnumMembers: false,
          changesWith,
        },
        async () => {
          computed++;
          await new Promise((r) => setTimeout(r, 20));
          if (fail) throw new Error('store unavailable');
          const pad = 'x'.repeat(Number((request.query as { pad?: string }).pad ?? 0));
          // `secret` is not in the response schema: the kept bytes are the serialised ones.
          return { n: computed, pad, secret: 'never sent' };
        },
      ),
  );
  const get = (query = '', headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/items${query}`, headers: { 'x-tenant': 't1', ...headers } });
  return {
    cache,
    app,
    get,
    computed: () => computed,
    failing(on: boolean) {
      fail = on;
    },
  };
}

test('identical requests arriving together share one computation', async () => {
  const s = await serve({ maxBytes: 1024 * 1024 });
  const answers = await Promise.all([s.get(), s.get(), s.get()]);
  assert.equal(s.computed(), 1);
  assert.deepEqual(
    answers.map((a) => a.body),
    Array(3).fill('{"n":1,"pad":""}'),
  );
  assert.equal(answers[2]?.headers['content-type'], 'application/json; charset=utf-8');
  const stats = s.cache.stats();
  assert.deepEqual([stats.hits, stats.misses, stats.entries], [2, 1, 1]);
});

test('a counter the answer depends on drops it; another counter leaves it be', async () => {
  const s = await serve({ maxBytes: 1024 * 1024 });
  await s.get();
  s.cache.setVersions(versions({ ingest_batch: 9 }));
  assert.equal((await s.get()).json().n, 1);
  s.cache.setVersions(versions({ ingest_batch: 9, risk_version: 2 }));
  assert.equal(s.cache.stats().entries, 0);
  assert.equal((await s.get()).json().n, 2);
});

test('an answer computed while its data changed is served but not kept', async () => {
  const s = await serve({ maxBytes: 1024 * 1024 });
  const pending = s.get();
  // The computation takes 20 ms: the data changes under it.
  await new Promise((r) => setTimeout(r, 5));
  s.cache.setVersions(versions({ risk_version: 2 }));
  assert.equal((await pending).json().n, 1);
  assert.equal(s.cache.stats().entries, 0);
  assert.equal((await s.get()).json().n, 2);
});

test('errors, HEAD requests and answers above the entry limit are never kept', async () => {
  const s = await serve({ maxBytes: 64 * 1024, maxEntryBytes: 2048 });
  s.failing(true);
  assert.equal((await s.get()).statusCode, 500);
  s.failing(false);
  assert.equal((await s.get()).json().n, 2);
  assert.equal(
    (await s.app.inject({ method: 'HEAD', url: '/items', headers: { 'x-tenant': 't1' } })).statusCode,
    200,
  );
  assert.equal(s.computed(), 3);
  await s.get('?pad=4000');
  await s.get('?pad=4000');
  assert.equal(s.computed(), 5);
  assert.equal(s.cache.stats().skipped, 2);
});

test('tenants have entries of their own; the budget evicts the least recently used', async () => {
  const s = await serve({ maxBytes: 4000, maxEntryBytes: 4000 });
  assert.equal((await s.get('', { 'x-tenant': 't1' })).json().n, 1);
  assert.equal((await s.get('', { 'x-tenant': 't2' })).json().n, 2);
  await s.get('?pad=1000');
  await s.get('?pad=1001');
  await s.get('', { 'x-tenant': 't1' });
  await s.get('?pad=1002');
  assert.ok(s.cache.stats().bytes <= 4000);
  // t1's answer was used last but one: it stays; t2's was the oldest: it went.
  assert.equal((await s.get('', { 'x-tenant': 't1' })).json().n, 1);
  assert.notEqual((await s.get('', { 'x-tenant': 't2' })).json().n, 2);
  assert.ok(s.cache.stats().evictions > 0);
});

test('If-None-Match with the entity tag, weak or strong, answers 304 without a body', async () => {
  const s = await serve({ maxBytes: 1024 * 1024 });
  const etag = String((await s.get()).headers.etag);
  assert.equal((await s.get('', { 'if-none-match': etag })).statusCode, 304);
  assert.equal((await s.get('', { 'if-none-match': `"other", W/${etag}` })).statusCode, 304);
  const changed = await s.get('', { 'if-none-match': '"other"' });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.headers.etag, etag);
});

test('a budget of 0 computes every answer', async () => {
  const s = await serve({ maxBytes: 0 });
  assert.equal(s.cache.enabled, false);
  await s.get();
  await s.get();
  assert.equal(s.computed(), 2);
});
