import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { type Role, roles } from '../src/api/auth/roles.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';

// Each role gets exactly what the product documents, on every route, on both store dialects:
// reads for the security and global reader and administrator roles, risk changes for the
// administrators only, the inventory also for Conditional Access administrators, pushes for ingest.
// Confirming comes first: a principal is a risky service principal once it has a risk state.

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const INVENTORY = fileURLToPath(
  new URL('./fixtures/formats/graph-service-principals-page.json', import.meta.url),
);

const readers: Role[] = [
  'security-reader',
  'security-operator',
  'global-reader',
  'security-administrator',
  'global-administrator',
];
const administrators: Role[] = ['security-administrator', 'global-administrator'];

interface Case {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  allowed: readonly Role[];
  ok: number;
}

const cases: Case[] = [
  ...['v1.0', 'beta'].flatMap((v): Case[] => [
    {
      name: `${v} risky principals`,
      method: 'GET',
      url: `/${v}/identityProtection/riskyServicePrincipals`,
      allowed: readers,
      ok: 200,
    },
    {
      name: `${v} confirm compromised`,
      method: 'POST',
      url: `/${v}/identityProtection/riskyServicePrincipals/confirmCompromised`,
      body: { servicePrincipalIds: [BILLING] },
      allowed: administrators,
      ok: 204,
    },
    {
      name: `${v} dismiss`,
      method: 'POST',
      url: `/${v}/identityProtection/riskyServicePrincipals/dismiss`,
      body: { servicePrincipalIds: [BILLING] },
      allowed: administrators,
      ok: 204,
    },
    {
      name: `${v} one risky principal`,
      method: 'GET',
      url: `/${v}/identityProtection/riskyServicePrincipals/${BILLING}`,
      allowed: readers,
      ok: 200,
    },
    {
      name: `${v} history`,
      method: 'GET',
      url: `/${v}/identityProtection/riskyServicePrincipals/${BILLING}/history`,
      allowed: readers,
      ok: 200,
    },
    {
      name: `${v} detections`,
      method: 'GET',
      url: `/${v}/identityProtection/servicePrincipalRiskDetections`,
      allowed: readers,
      ok: 200,
    },
    {
      name: `${v} service principals`,
      method: 'GET',
      url: `/${v}/servicePrincipals`,
      allowed: [...readers, 'conditional-access-administrator', 'application-administrator'],
      ok: 200,
    },
    {
      name: `${v} applications`,
      method: 'GET',
      url: `/${v}/applications`,
      allowed: [...readers, 'conditional-access-administrator', 'application-administrator'],
      ok: 200,
    },
    { name: `${v} sign-ins`, method: 'GET', url: `/${v}/auditLogs/signIns`, allowed: readers, ok: 200 },
    {
      name: `${v} directory audits`,
      method: 'GET',
      url: `/${v}/auditLogs/directoryAudits`,
      allowed: readers,
      ok: 200,
    },
  ]),
  { name: 'OpenAPI description', method: 'GET', url: '/openapi.json', allowed: roles, ok: 200 },
];

for (const dialect of dialects) {
  describe(`roles on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    const keyOf = new Map<Role, string>();
    before(async () => {
      t = await createTestStore(dialect);
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      await importFiles([INVENTORY], {
        store: t.store,
        config: { ...config, ingestWorkers: false },
        enrich: false,
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      const keys = createApiKeys(t.store);
      for (const role of roles)
        keyOf.set(role, (await keys.create({ tenantId: TENANT, role, name: role })).key);
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    for (const c of cases) {
      test(`${c.name}: ${c.allowed.length === roles.length ? 'every role' : c.allowed.join(', ')}`, async () => {
        const got: Record<string, number> = {};
        const want: Record<string, number> = {};
        for (const role of roles) {
          const res = await app.inject({
            method: c.method,
            url: c.url,
            headers: { authorization: `Bearer ${keyOf.get(role)}` },
            ...(c.body === undefined ? {} : { payload: c.body as object }),
          });
          got[role] = res.statusCode;
          want[role] = c.allowed.includes(role) ? c.ok : 403;
          if (res.statusCode === 403) assert.equal(res.json().error.code, 'Authorization_RequestDenied');
        }
        assert.deepEqual(got, want);
      });
    }

    test('no token, a malformed one or a revoked key: 401 on every route, health stays open', async () => {
      const keys = createApiKeys(t.store);
      const revoked = await keys.create({ tenantId: TENANT, role: 'global-administrator', name: 'leaver' });
      await keys.revoke(revoked.info.id);
      for (const c of cases) {
        for (const authorization of [undefined, 'Bearer', 'Basic abc', `Bearer ${revoked.key}`]) {
          const res = await app.inject({
            method: c.method,
            url: c.url,
            headers: authorization === undefined ? {} : { authorization },
            ...(c.body === undefined ? {} : { payload: c.body as object }),
          });
          assert.equal(res.statusCode, 401, `${c.name} with ${authorization ?? 'no header'}`);
          assert.equal(res.json().error.code, 'InvalidAuthenticationToken');
        }
      }
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    });

    test('a key sees only its own tenant', async () => {
      const other = (
        await createApiKeys(t.store).create({
          tenantId: '11111111-2222-4333-8444-555555555555',
          role: 'global-administrator',
          name: 'other tenant',
        })
      ).key;
      const headers = { authorization: `Bearer ${other}` };
      const list = await app.inject({ method: 'GET', url: '/v1.0/servicePrincipals', headers });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().value, []);
      const one = await app.inject({ method: 'GET', url: `/v1.0/servicePrincipals/${BILLING}`, headers });
      assert.equal(one.statusCode, 404);
      const confirm = await app.inject({
        method: 'POST',
        url: '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
        headers,
        payload: { servicePrincipalIds: [BILLING] },
      });
      assert.equal(confirm.statusCode, 404);
    });
  });
}
