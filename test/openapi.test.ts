import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { createTestStore, type TestStore } from './support/dialects.ts';

// `/openapi.json` is generated from the schemas that validate requests and serialise responses, so
// it lists every route and every property a response can carry — and nothing else reaches a client.

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const FIXTURES = [
  'graph-service-principals-page.json',
  'graph-directory-audits.json',
  'graph-sign-ins-page.json',
  'graph-applications-page.json',
].map((f) => fileURLToPath(new URL(`./fixtures/formats/${f}`, import.meta.url)));

let t: TestStore;
let app: FastifyInstance;
let key: string;

before(async () => {
  t = await createTestStore('sqlite');
  const config = loadConfig({ env: {}, overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 } });
  await importFiles(FIXTURES, { store: t.store, config: { ...config, ingestWorkers: false }, enrich: false });
  app = await buildApp({ config, store: t.store, intel: null, logger: false });
  key = (
    await createApiKeys(t.store).create({ tenantId: TENANT, role: 'global-administrator', name: 'docs' })
  ).key;
  const confirmed = await app.inject({
    method: 'POST',
    url: '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
    headers: { authorization: `Bearer ${key}` },
    payload: { servicePrincipalIds: [BILLING] },
  });
  assert.equal(confirmed.statusCode, 204);
});
after(async () => {
  await app.close();
  await t.cleanup();
});

type Schema = { properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; anyOf?: Schema[] };

/** The properties an object schema declares, through allOf/anyOf. */
function declared(schema: Schema | undefined): Set<string> {
  const out = new Set<string>();
  if (!schema) return out;
  for (const name of Object.keys(schema.properties ?? {})) out.add(name);
  for (const part of [...(schema.allOf ?? []), ...(schema.anyOf ?? [])])
    for (const n of declared(part)) out.add(n);
  return out;
}

test('the description needs a token, and lists every Graph route under both versions', async () => {
  assert.equal((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 401);
  const res = await app.inject({
    method: 'GET',
    url: '/openapi.json',
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  const paths = Object.keys(doc.paths);
  for (const version of ['v1.0', 'beta']) {
    for (const path of [
      '/identityProtection/riskyServicePrincipals',
      '/identityProtection/riskyServicePrincipals/{id}',
      '/identityProtection/riskyServicePrincipals/{id}/history',
      '/identityProtection/riskyServicePrincipals/confirmCompromised',
      '/identityProtection/riskyServicePrincipals/dismiss',
      '/identityProtection/servicePrincipalRiskDetections',
      '/identityProtection/servicePrincipalRiskDetections/{id}',
      '/servicePrincipals',
      '/servicePrincipals/{id}',
      '/applications',
      '/applications/{id}',
      '/auditLogs/signIns',
      '/auditLogs/directoryAudits',
    ]) {
      assert.ok(paths.includes(`/${version}${path}`), `${version}${path} is described`);
    }
  }
  assert.ok(paths.includes('/ingest/entra'));
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
});

test('every property a response carries is declared for its route', async () => {
  const doc = (
    await app.inject({ method: 'GET', url: '/openapi.json', headers: { authorization: `Bearer ${key}` } })
  ).json();
  for (const version of ['v1.0', 'beta']) {
    for (const path of [
      '/identityProtection/riskyServicePrincipals',
      '/identityProtection/servicePrincipalRiskDetections',
      '/servicePrincipals',
      '/applications',
      '/auditLogs/signIns',
      '/auditLogs/directoryAudits',
      `/identityProtection/riskyServicePrincipals/${BILLING}/history`,
    ]) {
      const res = await app.inject({
        method: 'GET',
        url: `/${version}${path}`,
        headers: { authorization: `Bearer ${key}`, prefer: 'include-unknown-enum-members' },
      });
      assert.equal(res.statusCode, 200, path);
      const body = res.json();
      assert.ok(body.value.length > 0, `${version}${path} returns something to check`);
      const described = path.includes(BILLING) ? path.replace(BILLING, '{id}') : path;
      const schema =
        doc.paths[`/${version}${described}`].get.responses['200'].content['application/json'].schema;
      const item = declared(schema.properties.value.items);
      for (const entity of body.value) {
        for (const name of Object.keys(entity))
          assert.ok(item.has(name), `${version}${path}: ${name} is declared`);
      }
    }
  }
});
