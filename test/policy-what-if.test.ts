import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// Before a policy is turned on, an administrator asks what it would have blocked. The replay runs
// over two weeks of a simulated tenant ending now; its answers are checked against the sign-ins
// themselves, counted another way.

const dir = mkdtempSync(join(tmpdir(), 'vigil-what-if-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

before(async () => {
  labels = (await simulateTenant({ out, principals: 30, days: 14, seed: 404, end: new Date() })).labels;
});

const inTenant = { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: [] };

for (const dialect of dialects) {
  describe(`what-if on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let key: string;
    let config: ReturnType<typeof loadConfig>;

    const whatIf = async (policy: unknown, days = 14) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1.0/identity/conditionalAccess/policies/evaluate',
        headers: { authorization: `Bearer ${key}` },
        payload: { policy, days },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    /** Successful sign-ins of single-tenant application principals in the last `days` days. */
    const inScope = (days: number) =>
      t.store.db
        .selectFrom('sign_ins as s')
        .innerJoin('service_principals as sp', (j) =>
          j.onRef('sp.tenant_id', '=', 's.tenant_id').onRef('sp.id', '=', 's.service_principal_id'),
        )
        .where('s.tenant_id', '=', labels.tenantId)
        .where('s.status_code', '=', 0)
        .where('s.created_at', '>=', new Date(Date.now() - days * 86_400_000).toISOString())
        .where('sp.kind', '=', 'application')
        .where((eb) =>
          eb.or([
            eb('sp.app_owner_organization_id', 'is', null),
            eb('sp.app_owner_organization_id', '=', labels.tenantId),
          ]),
        );

    before(async () => {
      t = await createTestStore(dialect);
      config = loadConfig({
        env: {},
        overrides: { defaultTenantId: labels.tenantId, detectIntervalSeconds: 0 },
      });
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: true });
      await runDetections(t.store, new Date().toISOString());
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      key = (
        await createApiKeys(t.store).create({
          tenantId: labels.tenantId,
          role: 'conditional-access-administrator',
          name: 'ca',
        })
      ).key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a risk policy would have blocked exactly the high-risk principals in scope, every sign-in of theirs', async () => {
      const high = new Set(
        (
          await t.store.db
            .selectFrom('risky_principals')
            .select('principal_id')
            .where('tenant_id', '=', labels.tenantId)
            .where('risk_level', '=', 'high')
            .execute()
        ).map((r) => r.principal_id),
      );
      assert.ok(high.size > 0, 'the simulated attacks left principals at high risk');
      const expected = await inScope(14)
        .select(['s.service_principal_id'])
        .where('s.service_principal_id', 'in', [...high])
        .execute();
      const r = await whatIf({
        displayName: 'Block high-risk workloads',
        state: 'disabled',
        conditions: {
          applications: { includeApplications: ['All'] },
          clientApplications: inTenant,
          servicePrincipalRiskLevels: ['high'],
        },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      });
      assert.equal(r.signInsBlocked, expected.length);
      assert.deepEqual(
        r.principalsBlocked.map((p: { servicePrincipalId: string }) => p.servicePrincipalId).sort(),
        [...new Set(expected.map((e) => e.service_principal_id))].sort(),
      );
      for (const p of r.principalsBlocked)
        assert.equal(p.blocked, p.signIns, 'risk blocks every sign-in of the principal');
      assert.ok(r.signInsEvaluated > r.signInsBlocked);
    });

    test('a location policy would have blocked the sign-ins from outside the trusted country', async () => {
      const countries = await inScope(14).select(['s.country']).execute();
      const home = [
        ...countries.reduce(
          (m, c) => m.set(c.country, (m.get(c.country) ?? 0) + 1),
          new Map<string | null, number>(),
        ),
      ]
        .filter(([c]) => c !== null)
        .sort((a, b) => b[1] - a[1])[0]![0]!;
      const location = await app.inject({
        method: 'POST',
        url: '/v1.0/identity/conditionalAccess/namedLocations',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          '@odata.type': '#microsoft.graph.countryNamedLocation',
          displayName: `Home (${home})`,
          countriesAndRegions: [home],
          includeUnknownCountriesAndRegions: false,
        },
      });
      assert.equal(location.statusCode, 201, location.body);
      const policy = {
        displayName: `Block outside ${home}`,
        state: 'enabled',
        conditions: {
          applications: { includeApplications: ['All'] },
          clientApplications: inTenant,
          locations: { includeLocations: ['All'], excludeLocations: [location.json().id] },
        },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      };
      const r = await whatIf(policy);
      const outside = countries.filter((c) => c.country !== home).length;
      assert.ok(outside > 0, 'some sign-ins come from elsewhere');
      assert.equal(r.signInsBlocked, outside);
      const successful = await t.store.db
        .selectFrom('sign_ins')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', labels.tenantId)
        .where('status_code', '=', 0)
        .where('created_at', '>=', new Date(Date.now() - 14 * 86_400_000).toISOString())
        .executeTakeFirstOrThrow();
      assert.equal(
        r.signInsEvaluated,
        Number(successful.n),
        'every successful sign-in of the period was replayed',
      );

      // The command line answers the same.
      const file = join(dir, `${dialect}-policy.json`);
      writeFileSync(file, JSON.stringify(policy));
      const run = await runVigil(['policies', 'what-if', file, '--days', '14', '--json'], {
        ...t.env,
        VIGIL_TENANT_ID: labels.tenantId,
      });
      assert.equal(run.code, 0, run.stderr);
      const cli = JSON.parse(run.stdout);
      assert.equal(cli.signInsBlocked, r.signInsBlocked);
      assert.equal(cli.principalsBlocked.length, r.principalsBlocked.length);
    });

    test('a malformed proposal is a 400 naming the field', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1.0/identity/conditionalAccess/policies/evaluate',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          policy: {
            displayName: 'x',
            state: 'enabled',
            conditions: {},
            grantControls: { builtInControls: ['block'] },
          },
          days: 14,
        },
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /^policy\.conditions/);
      const tooLong = await app.inject({
        method: 'POST',
        url: '/v1.0/identity/conditionalAccess/policies/evaluate',
        headers: { authorization: `Bearer ${key}` },
        payload: { policy: {}, days: 400 },
      });
      assert.equal(tooLong.statusCode, 400);
    });
  });
}
