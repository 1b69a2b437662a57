import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { loadIpIntel } from '../src/enrich/ip-intel.ts';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createLogQueries } from '../src/store/queries/log-queries.ts';
import { createQuarantineQueries } from '../src/store/queries/quarantine-queries.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';

const model = createTenantModel({ seed: 11, principals: 8, managedIdentities: 3 });
const intel = await loadIpIntel();

function records(n: number, seed: number): Record<string, unknown>[] {
  const rnd = createRandom(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      makeSignInRecord(model, rnd, new Date(Date.UTC(2026, 10, 1, 8, i)), { managedIdentity: i % 5 === 4 }),
    );
  }
  return out;
}

for (const dialect of dialects) {
  describe(`push ingest on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let ingestKey: string;
    let readerKey: string;
    before(async () => {
      t = await createTestStore(dialect);
      const config = loadConfig({ env: { ...t.env, VIGIL_BODY_LIMIT_BYTES: String(256 * 1024) } });
      app = await buildApp({ config, store: t.store, intel });
      const keys = createApiKeys(t.store);
      ingestKey = (await keys.create({ tenantId: model.tenantId, role: 'ingest', name: 'event hub relay' }))
        .key;
      readerKey = (await keys.create({ tenantId: model.tenantId, role: 'security-reader', name: 'analyst' }))
        .key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a key records when it was last used', async () => {
      const keys = createApiKeys(t.store);
      const before = (await keys.list()).find((k) => k.role === 'ingest');
      await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ingestKey}` } });
      const after = (await keys.list()).find((k) => k.id === before?.id);
      assert.ok(after?.lastUsedAt, 'lastUsedAt is set once the key has been used');
    });

    test('health is open; ingest and metrics are not', async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      const anon = await app.inject({ method: 'POST', url: '/ingest/entra', payload: '{}' });
      assert.equal(anon.statusCode, 401);
      assert.equal(anon.json().error.code, 'InvalidAuthenticationToken');
      assert.ok(anon.json().error.innerError['request-id']);
      assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      const forged = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: { authorization: `Bearer ${ingestKey.slice(0, -4)}AAAA` },
        payload: '{}',
      });
      assert.equal(forged.statusCode, 401);
      const reader = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: {
          authorization: `Bearer ${readerKey}`,
          'client-request-id': 'c0ffee00-0000-4000-8000-000000000001',
        },
        payload: '{}',
      });
      assert.equal(reader.statusCode, 403);
      assert.equal(reader.json().error.code, 'Authorization_RequestDenied');
      assert.equal(
        reader.json().error.innerError['client-request-id'],
        'c0ffee00-0000-4000-8000-000000000001',
      );
    });

    test('an Event Hub message, gzip-encoded, is stored once and counted', async () => {
      const body = gzipSync(JSON.stringify({ records: records(40, 1) }));
      const send = () =>
        app.inject({
          method: 'POST',
          url: '/ingest/entra',
          headers: {
            authorization: `Bearer ${ingestKey}`,
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          },
          payload: body,
        });
      const first = await send();
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(
        { ...(first.json() as Record<string, unknown>), requestId: undefined, formats: undefined },
        {
          requestId: undefined,
          formats: undefined,
          read: 40,
          stored: 40,
          duplicates: 0,
          skipped: 0,
          quarantined: 0,
        },
      );
      const again = (await send()).json();
      assert.deepEqual([again.stored, again.duplicates], [0, 40]);
      assert.equal(await createLogQueries(t.store).countSignIns(model.tenantId), 40);

      const metrics = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${ingestKey}` },
      });
      assert.match(metrics.body, /vigil_ingest_records_total\{outcome="stored"\} 40/);
      assert.match(metrics.body, /vigil_ingest_records_total\{outcome="duplicate"\} 40/);
      assert.match(metrics.body, /vigil_ingest_records_by_format_total\{format="entraDiagnostic"\} 80/);
    });

    test('pushed sign-ins are enriched with network facts', async () => {
      const [rec] = records(1, 2);
      const props = rec!.properties as Record<string, unknown>;
      const res = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/x-ndjson' },
        payload: `${JSON.stringify(rec)}\n`,
      });
      assert.equal(res.json().stored, 1);
      const stored = await createLogQueries(t.store).getSignIn(model.tenantId, String(props.id));
      assert.ok(stored);
      assert.equal(stored.ipAddress, props.ipAddress);
      assert.equal(stored.asn, props.autonomousSystemNumber, 'the ASN the record carries wins');
      assert.equal(stored.hosting, true, 'the workload runs in a cloud network');
      assert.ok(stored.hostingProvider, 'with the provider named');
    });

    test('records of another tenant and broken lines are quarantined; the rest is stored', async () => {
      const [good, foreign] = records(2, 3);
      (foreign as Record<string, unknown>).tenantId = '11111111-2222-4333-8444-555555555555';
      const payload = `${JSON.stringify(good)}\n{"time": "2026-11-01T08:00:00Z", "category":\n${JSON.stringify(foreign)}\n`;
      const res = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/x-ndjson' },
        payload,
      });
      const body = res.json();
      assert.deepEqual([body.read, body.stored, body.quarantined], [3, 1, 2]);
      const q = await createQuarantineQueries(t.store).list({
        tenantId: model.tenantId,
        source: `request:${body.requestId}`,
        limit: 10,
      });
      assert.deepEqual(q.map((e) => e.line).sort(), [2, 3]);
      assert.ok(q.some((e) => /bound to tenant/.test(e.reason)));
      assert.ok(q.some((e) => /invalid JSON/.test(e.reason)));
    });

    test('bodies over the limit, compressed or not, are refused with 413', async () => {
      const big = Buffer.alloc(300 * 1024, 0x20);
      const plain = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
        payload: big,
      });
      assert.equal(plain.statusCode, 413);
      assert.equal(plain.json().error.code, 'RequestBodyTooLarge');
      const bomb = await app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: {
          authorization: `Bearer ${ingestKey}`,
          'content-encoding': 'gzip',
          'content-type': 'application/json',
        },
        payload: gzipSync(big),
      });
      assert.equal(bomb.statusCode, 413);
    });
  });
}

test('closing the server lets a push in flight finish its batch', async () => {
  const t = await createTestStore('sqlite');
  const config = loadConfig({ env: t.env });
  const app = await buildApp({ config, store: t.store, intel });
  const { key } = await createApiKeys(t.store).create({
    tenantId: model.tenantId,
    role: 'ingest',
    name: 'relay',
  });
  let arrived: () => void = () => {};
  const inFlight = new Promise<void>((r) => (arrived = r));
  app.addHook('preHandler', async (request) => {
    if (request.url === '/ingest/entra') arrived();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  try {
    const body = records(3000, 9)
      .map((r) => JSON.stringify(r))
      .join('\n');
    const response = fetch(`http://127.0.0.1:${port}/ingest/entra`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    await inFlight;
    const closed = app.close();
    const res = await response;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { stored: number }).stored, 3000);
    await closed;
    assert.equal(await createLogQueries(t.store).countSignIns(model.tenantId), 3000);
  } finally {
    await app.close();
    await t.cleanup();
  }
});
