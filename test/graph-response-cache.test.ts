import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import type { Role } from '../src/api/auth/roles.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

// A console and a SIEM connector poll the same Graph queries over and over; Vigil answers repeats
// from memory. These tests hold it to what a user would notice: the bytes are those an uncached
// server sends, every change (made here or by another process) shows, and nobody gets an answer
// they may not read.

const model = createTenantModel({ seed: 47, principals: 4, managedIdentities: 0 });
const TENANT = model.tenantId;
const OTHER_TENANT = '0d3e8b52-7a41-4c96-b1f0-9e2c5a7d4b18';
const principal = model.principals[1]!;
const RISKY = '/v1.0/identityProtection/riskyServicePrincipals';
const DETECTIONS = '/v1.0/identityProtection/servicePrincipalRiskDetections';
// Other processes' changes arrive with the counter poll (250 ms); this only bounds a broken test.
const FRESH_WITHIN_MS = 5_000;

const dir = mkdtempSync(join(tmpdir(), 'vigil-response-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Twenty export records of one principal on a day, the first `listed` of them from `ip`. */
function day(dayOfMonth: number, ip: string, listed: number): string {
  const rnd = createRandom(dayOfMonth);
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const rec = makeSignInRecord(model, rnd, new Date(Date.UTC(2026, 10, dayOfMonth, 8, i)), {
      principalIndex: 1,
    });
    const p = rec.properties as Record<string, unknown>;
    if (i < listed) {
      p.ipAddress = ip;
      rec.callerIpAddress = ip;
    }
    lines.push(JSON.stringify(rec));
  }
  return `${lines.join('\n')}\n`;
}

/** The cache's counters as `/metrics` shows them. */
async function cacheMetrics(app: FastifyInstance): Promise<{ hit: number; miss: number; bytes: number }> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const read = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  return {
    hit: read(/^vigil_graph_response_cache_requests_total\{outcome="hit"\} (\d+)/m),
    miss: read(/^vigil_graph_response_cache_requests_total\{outcome="miss"\} (\d+)/m),
    bytes: read(/^vigil_graph_response_cache_bytes (\d+)/m),
  };
}

/** Polls `read` until `done` holds; fails after FRESH_WITHIN_MS. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + FRESH_WITHIN_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      assert.fail(`still not fresh after ${FRESH_WITHIN_MS} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const dialect of dialects) {
  describe(`the Graph response cache on ${dialect}`, () => {
    let t: TestStore;
    let env: Record<string, string>;
    let app: FastifyInstance;
    let uncached: FastifyInstance;
    const keys: Partial<Record<Role | 'other', string>> = {};

    const start = (overrides: Partial<Config> = {}) =>
      buildApp({
        config: loadConfig({
          env: {},
          overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0, metricsPublic: true, ...overrides },
        }),
        store: t.store,
        intel: null,
        logger: false,
      });
    const get = (
      url: string,
      role: Role | 'other' = 'security-reader',
      headers: Record<string, string> = {},
    ) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${keys[role]}`, ...headers } });
    const post = (url: string, payload: unknown) =>
      app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${keys['security-administrator']}` },
        payload: payload as object,
      });
    const push = (body: string) =>
      app.inject({
        method: 'POST',
        url: '/ingest/entra',
        headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/x-ndjson' },
        payload: body,
      });

    before(async () => {
      t = await createTestStore(dialect);
      env = { ...t.env, VIGIL_TENANT_ID: TENANT };
      const list = join(dir, `drop-${dialect}.txt`);
      writeFileSync(list, '; DROP list\n11.22.33.0/24 ; SBL000001\n11.99.0.0/16 ; SBL000002\n');
      const imported = await runVigil(
        ['intel', 'import', '--json', '--source', 'drop', '--confidence', '90', list],
        env,
      );
      assert.equal(imported.code, 0, imported.stderr);
      const api = createApiKeys(t.store);
      for (const role of ['security-reader', 'security-administrator', 'ingest'] as const) {
        keys[role] = (await api.create({ tenantId: TENANT, role, name: role })).key;
      }
      keys.other = (await api.create({ tenantId: OTHER_TENANT, role: 'security-reader', name: 'other' })).key;
      app = await start();
      uncached = await start({ responseCacheBytes: 0 });
      const pushed = await push(day(3, '11.22.33.44', 2));
      assert.equal(pushed.statusCode, 200, pushed.body);
      const detected = await runVigil(['detect', '--json'], env);
      assert.equal(detected.code, 0, detected.stderr);
    });
    after(async () => {
      await app?.close();
      await uncached?.close();
      await t.cleanup();
    });

    test('a repeated query is answered from memory, byte for byte what an uncached server sends', async () => {
      const url = `${DETECTIONS}?$filter=riskLevel eq 'high'&$orderby=detectedDateTime desc&$top=100&$count=true`;
      const first = await get(url);
      assert.equal(first.json().value.length, 1, first.body);
      const before = await cacheMetrics(app);
      const again = await get(url, 'security-reader', { 'client-request-id': 'siem-poll-2' });
      const after = await cacheMetrics(app);
      assert.equal(after.hit, before.hit + 1, 'the repeat was a hit');
      assert.equal(after.miss, before.miss, 'and queried nothing');
      const plain = await uncached.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${keys['security-reader']}` },
      });
      assert.equal(plain.statusCode, 200);
      assert.equal(again.body, plain.body);
      assert.equal(first.body, plain.body);
      assert.equal(again.headers['content-type'], plain.headers['content-type']);
      assert.equal(again.json()['@odata.count'], 1);
      // Per-request headers stay per request.
      assert.equal(again.headers['client-request-id'], 'siem-poll-2');
      assert.notEqual(again.headers['request-id'], first.headers['request-id']);
      // A client that holds the answer already gets a 304.
      const etag = String(again.headers.etag);
      assert.match(etag, /^"[\w-]+"$/);
      const unchanged = await get(url, 'security-reader', { 'if-none-match': etag });
      assert.equal(unchanged.statusCode, 304);
      assert.equal(unchanged.body, '');
    });

    test('confirming and dismissing show at once in every cached read they change', async () => {
      const entity = `${RISKY}/${principal.objectId}`;
      const history = `${entity}/history`;
      assert.equal((await get(entity)).json().riskState, 'atRisk');
      const historyBefore = (await get(history)).json().value.length;
      const detectionsBefore = (await get(DETECTIONS)).json().value.length;

      assert.equal(
        (await post(`${RISKY}/confirmCompromised`, { servicePrincipalIds: [principal.objectId] })).statusCode,
        204,
      );
      assert.equal((await get(entity)).json().riskState, 'confirmedCompromised');
      assert.equal((await get(history)).json().value.length, historyBefore + 1);
      const detections = (await get(DETECTIONS)).json().value as { riskEventType: string }[];
      assert.equal(detections.length, detectionsBefore + 1);
      assert.ok(detections.some((d) => d.riskEventType === 'adminConfirmedServicePrincipalCompromised'));

      assert.equal(
        (await post(`${RISKY}/dismiss`, { servicePrincipalIds: [principal.objectId] })).statusCode,
        204,
      );
      assert.equal((await get(entity)).json().riskState, 'dismissed');
      assert.equal((await get(`${RISKY}?$filter=riskState eq 'dismissed'`)).json().value.length, 1);
      const states = (await get(DETECTIONS)).json().value.map((d: { riskState: string }) => d.riskState);
      assert.deepEqual([...new Set(states)], ['dismissed']);
    });

    test('$select and Prefer variants are answers of their own, each with its own headers', async () => {
      const entity = `${RISKY}/${principal.objectId}`;
      const prefer = { prefer: 'include-unknown-enum-members' };
      for (let i = 0; i < 2; i++) {
        const plain = await get(entity);
        assert.equal(plain.json().riskDetail, 'unknownFutureValue');
        assert.equal(plain.headers['preference-applied'], undefined);
        const named = await get(entity, 'security-reader', prefer);
        assert.equal(named.json().riskDetail, 'adminDismissedAllRiskForServicePrincipal');
        assert.equal(named.headers['preference-applied'], 'include-unknown-enum-members');
        const selected = await get(`${entity}?$select=id,riskLevel`);
        assert.deepEqual(Object.keys(selected.json()), ['@odata.context', 'id', 'riskLevel']);
      }
      const beta = await get(entity.replace('/v1.0/', '/beta/'));
      assert.equal(beta.json().accountEnabled, null);
      assert.match(beta.json()['@odata.context'], /\/beta\/\$metadata#/);
    });

    test('a tenant never gets another tenant’s entry, and a caller without permission still gets no answer', async () => {
      const url = `${RISKY}?$top=5`;
      assert.equal((await get(url)).json().value.length, 1);
      const other = await get(url, 'other');
      assert.equal(other.statusCode, 200);
      assert.deepEqual(other.json().value, []);
      assert.equal((await get(url)).json().value.length, 1);
      // The ingest role may push logs but not read risk, cached or not.
      const denied = await get(url, 'ingest');
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'Authorization_RequestDenied');
      const anonymous = await app.inject({ method: 'GET', url });
      assert.equal(anonymous.statusCode, 401);
    });

    test('an ingest and a credential action show in the next read', async () => {
      const signIns = '/v1.0/auditLogs/signIns?$top=100';
      const before = (await get(signIns)).json().value.length;
      assert.equal((await push(day(4, '10.1.2.3', 0))).statusCode, 200);
      assert.equal((await get(signIns)).json().value.length, before + 20);

      const entity = `${RISKY}/${principal.objectId}`;
      const sp = `/v1.0/servicePrincipals/${principal.objectId}`;
      assert.notEqual((await get(entity)).json().isEnabled, false);
      assert.notEqual((await get(sp)).json().accountEnabled, false);
      const patched = await app.inject({
        method: 'PATCH',
        url: sp,
        headers: { authorization: `Bearer ${keys['security-administrator']}` },
        payload: { accountEnabled: false },
      });
      assert.equal(patched.statusCode, 204, patched.body);
      assert.equal((await get(entity)).json().isEnabled, false);
      assert.equal((await get(sp)).json().accountEnabled, false);
    });

    test('a detection run and a risk action in another process show within the poll interval', async () => {
      const url = `${DETECTIONS}?$filter=riskEventType eq 'investigationsThreatIntelligence'`;
      const before = (await get(url)).json().value.length;
      assert.equal((await push(day(5, '11.99.1.2', 1))).statusCode, 200);
      const detected = await runVigil(['detect', '--json'], env);
      assert.equal(detected.code, 0, detected.stderr);
      await eventually(
        () => get(url).then((r) => r.json().value.length),
        (n) => n === before + 1,
      );
      await eventually(
        () => get(`${RISKY}/${principal.objectId}`).then((r) => r.json().riskState),
        (s) => s === 'atRisk',
      );
      const confirmed = await runVigil(['risky', 'confirm-compromised', principal.objectId], env);
      assert.equal(confirmed.code, 0, confirmed.stderr);
      await eventually(
        () => get(`${RISKY}/${principal.objectId}`).then((r) => r.json().riskState),
        (s) => s === 'confirmedCompromised',
      );
    });

    test('the memory bound evicts the least recently used answers', async () => {
      const small = await start({ responseCacheBytes: 24 * 1024 });
      try {
        const read = (top: number) =>
          small.inject({
            method: 'GET',
            url: `/v1.0/auditLogs/signIns?$top=${top}&$select=id`,
            headers: { authorization: `Bearer ${keys['security-reader']}` },
          });
        for (let top = 1; top <= 30; top++) assert.equal((await read(top)).statusCode, 200);
        const held = await cacheMetrics(small);
        assert.ok(held.bytes > 0 && held.bytes <= 24 * 1024, `holds ${held.bytes} bytes`);
        // The newest answer is still held; the oldest went to make room.
        await read(30);
        const newest = await cacheMetrics(small);
        assert.equal(newest.hit, held.hit + 1);
        await read(1);
        assert.equal((await cacheMetrics(small)).miss, newest.miss + 1);
      } finally {
        await small.close();
      }
    });
  });
}
