import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// An administrator remediating a principal first asks which credentials it and its application
// hold, who added them, and which ones were actually used. The tenant is simulated up to now, with
// rotations (credentials added and removed) and sign-ins naming the credential they used.

const dir = mkdtempSync(join(tmpdir(), 'vigil-credentials-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

before(async () => {
  labels = (await simulateTenant({ out, principals: 20, days: 21, seed: 404, end: new Date() })).labels;
});

for (const dialect of dialects) {
  describe(`credential inventory on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let key: string;
    before(async () => {
      t = await createTestStore(dialect);
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: labels.tenantId, detectIntervalSeconds: 0 },
      });
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: false });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      key = (
        await createApiKeys(t.store).create({
          tenantId: labels.tenantId,
          role: 'security-reader',
          name: 'soc',
        })
      ).key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test("each credential's last use and sign-in count come from the sign-ins that named it", async () => {
      const signIns = await t.store.db
        .selectFrom('sign_ins')
        .select(['service_principal_id', 'credential_key_id', 'created_at', 'status_code'])
        .where('tenant_id', '=', labels.tenantId)
        .where('credential_key_id', 'is not', null)
        .execute();
      // The principal that used the most distinct credentials.
      const keysOf = new Map<string, Set<string>>();
      for (const s of signIns) {
        if (s.status_code !== 0) continue;
        const set = keysOf.get(s.service_principal_id) ?? new Set<string>();
        set.add(s.credential_key_id!);
        keysOf.set(s.service_principal_id, set);
      }
      const [principalId] = [...keysOf].sort((a, b) => b[1].size - a[1].size)[0]!;
      const res = await app.inject({
        method: 'GET',
        url: `/vigil/servicePrincipals/${principalId}/credentials`,
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      const inventory = res.json();
      assert.equal(inventory.servicePrincipalId, principalId);
      assert.ok(inventory.value.length > 0);
      let checked = 0;
      for (const c of inventory.value) {
        const uses = signIns.filter(
          (s) =>
            s.service_principal_id === principalId && s.status_code === 0 && s.credential_key_id === c.keyId,
        );
        assert.equal(c.signIns, uses.length, `sign-ins with ${c.keyId}`);
        const last =
          uses
            .map((u) => u.created_at)
            .sort()
            .at(-1) ?? null;
        assert.equal(c.lastUsedDateTime, last, `last use of ${c.keyId}`);
        if (uses.length > 0) checked += 1;
        assert.ok(['active', 'expiringSoon', 'expired', 'unused', 'removed'].includes(c.status));
        if (c.removedDateTime !== null) assert.equal(c.status, 'removed');
        if (c.status === 'active' && c.type !== 'federated') assert.ok(c.lastUsedDateTime || c.addedDateTime);
      }
      assert.ok(checked > 0, 'some credential was used');
    });

    test('a rotation shows: the old secret removed (by whom, when), the new one added and in use', async () => {
      const removed = await t.store.db
        .selectFrom('credentials')
        .select(['owner_id', 'owner_type', 'key_id', 'removed_at', 'removed_by'])
        .where('tenant_id', '=', labels.tenantId)
        .where('removed_at', 'is not', null)
        .execute();
      assert.ok(removed.length > 0, 'the simulated rotations removed credentials');
      const principals = await t.store.db
        .selectFrom('service_principals')
        .select(['id', 'app_id'])
        .where('tenant_id', '=', labels.tenantId)
        .execute();
      const apps = await t.store.db
        .selectFrom('applications')
        .select(['id', 'app_id'])
        .where('tenant_id', '=', labels.tenantId)
        .execute();
      const r = removed[0]!;
      const principal =
        r.owner_type === 'servicePrincipal'
          ? r.owner_id
          : principals.find((p) => p.app_id === apps.find((a) => a.id === r.owner_id)?.app_id)!.id;
      const run = await runVigil(['credentials', 'list', principal, '--json'], {
        ...t.env,
        VIGIL_TENANT_ID: labels.tenantId,
      });
      assert.equal(run.code, 0, run.stderr);
      const listed = JSON.parse(run.stdout).value.find((c: { keyId: string }) => c.keyId === r.key_id);
      assert.ok(listed, 'the removed credential is still in the inventory');
      assert.equal(listed.status, 'removed');
      assert.equal(listed.removedDateTime, r.removed_at);
      assert.equal(listed.removedBy, r.removed_by);
      const unknown = await app.inject({
        method: 'GET',
        url: '/vigil/servicePrincipals/0b0e7d4c-1f1a-4c2b-9a5e-000000000404/credentials',
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(unknown.statusCode, 404);
    });
  });
}
