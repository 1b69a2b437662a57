import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';

// An application's federated identity credentials (GitHub Actions trusting an environment, say)
// are read as Graph serves them: a collection under the application, filterable by subject.

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const APPLICATIONS = fileURLToPath(
  new URL('./fixtures/formats/graph-applications-page.json', import.meta.url),
);

for (const dialect of dialects) {
  describe(`federated identity credentials on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let key: string;
    let applicationId: string;
    before(async () => {
      t = await createTestStore(dialect);
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      await importFiles([APPLICATIONS], {
        store: t.store,
        config: { ...config, ingestWorkers: false },
        enrich: false,
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      key = (await createApiKeys(t.store).create({ tenantId: TENANT, role: 'global-reader', name: 'r' })).key;
      const owner = await t.store.db
        .selectFrom('credentials')
        .select('owner_id')
        .where('type', '=', 'federated')
        .executeTakeFirstOrThrow();
      applicationId = owner.owner_id;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });
    const get = (url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

    test('listed, filtered by subject and read one by one', async () => {
      const all = await get(`/v1.0/applications/${applicationId}/federatedIdentityCredentials`);
      assert.equal(all.statusCode, 200, all.body);
      assert.match(
        all.json()['@odata.context'],
        /#applications\('[0-9a-f-]+'\)\/federatedIdentityCredentials$/,
      );
      assert.deepEqual(
        all.json().value.map((c: { name: string }) => c.name),
        ['github-infra-production', 'github-infra-pull-requests'],
      );
      const production = all.json().value[0];
      assert.equal(production.issuer, 'https://token.actions.githubusercontent.com');
      assert.deepEqual(production.audiences, ['api://AzureADTokenExchange']);
      const pr = await get(
        `/v1.0/applications/${applicationId}/federatedIdentityCredentials?$filter=${encodeURIComponent("subject eq 'repo:contoso/infra:pull_request'")}`,
      );
      assert.deepEqual(
        pr.json().value.map((c: { id: string }) => c.id),
        ['1a6d3f9c-8e2b-4c71-b5a4-9f0e7d2c6b38'],
      );
      const one = await get(
        `/beta/applications/${applicationId}/federatedIdentityCredentials/${production.id}`,
      );
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().subject, 'repo:contoso/infra:environment:production');
    });

    test('an unknown application or credential is a 404', async () => {
      assert.equal(
        (await get('/v1.0/applications/0b0e7d4c-1f1a-4c2b-9a5e-000000000404/federatedIdentityCredentials'))
          .statusCode,
        404,
      );
      assert.equal(
        (
          await get(
            `/v1.0/applications/${applicationId}/federatedIdentityCredentials/0b0e7d4c-1f1a-4c2b-9a5e-000000000404`,
          )
        ).statusCode,
        404,
      );
    });
  });
}
