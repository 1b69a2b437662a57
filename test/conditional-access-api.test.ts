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
import { importFiles } from '../src/ingest/pipeline.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

// Conditional Access through the Graph API and the decision point: policies and named locations
// are created, checked field by field, listed and changed; decisions follow risk and policy changes
// at once in this process and within a second when another process makes them; every decision
// becomes a sign-in an analyst can read.

const TENANT = '3f2b8c1d-6a4e-4d97-b1c5-8e0f2a7d9c46';
const BILLING = { id: 'c7a9e2f4-1b3d-4e6a-9c8b-2d4f6a8b0e13', appId: 'e1d3f5a7-9b2c-4d6e-8f0a-1b3c5d7e9f24' };
const PARTNER = { id: '5b7d9f1a-3c5e-4a7b-9d1f-3e5a7c9b1d35', appId: '9a1c3e5b-7d9f-4b2a-8c4e-6f8a0b2c4d46' };
const MANAGED = { id: '8e0a2c4e-6a8c-4e0b-a2d4-f6b8d0f2a457', appId: '2c4e6a8c-0e2a-4c6e-8a0c-2e4a6c8e0a68' };
const GRAPH = '00000003-0000-0000-c000-000000000000';
const HOME_NETWORK = '198.51.100.0/24';

const inventory = {
  value: [
    {
      id: BILLING.id,
      appId: BILLING.appId,
      displayName: 'contoso-billing-sync',
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: TENANT,
      accountEnabled: true,
    },
    {
      id: PARTNER.id,
      appId: PARTNER.appId,
      displayName: 'fabrikam-partner-portal',
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f40',
      accountEnabled: true,
    },
    {
      id: MANAGED.id,
      appId: MANAGED.appId,
      displayName: 'ledger-func-identity',
      servicePrincipalType: 'ManagedIdentity',
      accountEnabled: true,
    },
  ],
};

for (const dialect of dialects) {
  describe(`Conditional Access on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let dir: string;
    const keys = new Map<Role, string>();
    let trustedId = '';
    let riskPolicyId = '';
    let reportOnlyId = '';

    const call = async (
      role: Role,
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
    ) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${keys.get(role)}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const decide = async (principal: { id: string; appId: string }, ipAddress = '198.51.100.20') => {
      const res = await call('gateway', 'POST', '/authz/decisions', {
        servicePrincipalId: principal.id,
        appId: principal.appId,
        ipAddress,
        resourceAppId: GRAPH,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    before(async () => {
      t = await createTestStore(dialect);
      dir = mkdtempSync(join(tmpdir(), 'vigil-ca-'));
      writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      await importFiles([join(dir, 'inventory.json')], {
        store: t.store,
        config: { ...config, ingestWorkers: false },
        enrich: false,
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      for (const role of [
        'security-administrator',
        'conditional-access-administrator',
        'security-reader',
        'gateway',
      ] as const) {
        keys.set(role, (await createApiKeys(t.store).create({ tenantId: TENANT, role, name: role })).key);
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('named locations and policies are created, read and listed in Graph shape', async () => {
      const location = await call(
        'conditional-access-administrator',
        'POST',
        '/v1.0/identity/conditionalAccess/namedLocations',
        {
          '@odata.type': '#microsoft.graph.ipNamedLocation',
          displayName: 'Contoso data centres',
          isTrusted: true,
          ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: HOME_NETWORK }],
        },
      );
      assert.equal(location.statusCode, 201, location.body);
      trustedId = location.json().id;
      assert.match(
        location.json()['@odata.context'],
        /#identity\/conditionalAccess\/namedLocations\/\$entity$/,
      );

      const risky = await call(
        'conditional-access-administrator',
        'POST',
        '/v1.0/identity/conditionalAccess/policies',
        {
          displayName: 'Block risky workload identities',
          state: 'enabled',
          conditions: {
            applications: { includeApplications: ['All'] },
            clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
            servicePrincipalRiskLevels: ['high'],
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      );
      assert.equal(risky.statusCode, 201, risky.body);
      riskPolicyId = risky.json().id;
      assert.deepEqual(risky.json().conditions.servicePrincipalRiskLevels, ['high']);

      const outside = await call(
        'security-administrator',
        'POST',
        '/beta/identity/conditionalAccess/policies',
        {
          displayName: 'Billing only from our data centres (report-only)',
          state: 'enabledForReportingButNotEnforced',
          conditions: {
            applications: { includeApplications: ['All'] },
            clientApplications: { includeServicePrincipals: [BILLING.id] },
            locations: { includeLocations: ['All'], excludeLocations: [trustedId] },
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      );
      assert.equal(outside.statusCode, 201, outside.body);
      reportOnlyId = outside.json().id;

      const list = await call(
        'security-reader',
        'GET',
        "/v1.0/identity/conditionalAccess/policies?$filter=state eq 'enabled'&$select=id,displayName",
      );
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().value, [
        { id: riskPolicyId, displayName: 'Block risky workload identities' },
      ]);
      const one = await call(
        'security-reader',
        'GET',
        `/v1.0/identity/conditionalAccess/policies/${reportOnlyId}`,
      );
      assert.deepEqual(one.json().conditions.locations, {
        includeLocations: ['All'],
        excludeLocations: [trustedId],
      });
    });

    test('an invalid policy is refused with a Graph error naming the field; readers cannot write', async () => {
      const bad = await call(
        'conditional-access-administrator',
        'POST',
        '/v1.0/identity/conditionalAccess/policies',
        {
          displayName: 'Typo',
          state: 'enabled',
          conditions: {
            applications: { includeApplications: ['All'] },
            clientApplications: { includeServicePrincipals: [BILLING.id, 'billing-sync'] },
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      );
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'BadRequest');
      assert.match(bad.json().error.message, /conditions\.clientApplications\.includeServicePrincipals\[1\]/);
      const mfa = await call(
        'conditional-access-administrator',
        'POST',
        '/v1.0/identity/conditionalAccess/policies',
        {
          displayName: 'MFA',
          state: 'enabled',
          conditions: {
            applications: { includeApplications: ['All'] },
            clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
          },
          grantControls: { operator: 'OR', builtInControls: ['mfa'] },
        },
      );
      assert.equal(mfa.statusCode, 400);
      assert.match(mfa.json().error.message, /grantControls\.builtInControls/);
      const ghost = await call(
        'conditional-access-administrator',
        'POST',
        '/v1.0/identity/conditionalAccess/policies',
        {
          displayName: 'Ghost location',
          state: 'enabled',
          conditions: {
            applications: { includeApplications: ['All'] },
            clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
            locations: { includeLocations: ['0a0a0a0a-0b0b-4c0c-8d0d-0e0e0e0e0e0e'] },
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        },
      );
      assert.equal(ghost.statusCode, 400);
      assert.match(ghost.json().error.message, /conditions\.locations\.includeLocations\[0\]/);
      const reader = await call('security-reader', 'POST', '/v1.0/identity/conditionalAccess/policies', {});
      assert.equal(reader.statusCode, 403);
      const inUse = await call(
        'conditional-access-administrator',
        'DELETE',
        `/v1.0/identity/conditionalAccess/namedLocations/${trustedId}`,
      );
      assert.equal(inUse.statusCode, 400);
      assert.match(inUse.json().error.message, /Billing only from our data centres/);
    });

    test('decisions follow risk at once: confirm blocks, dismiss allows again; report-only never blocks', async () => {
      const first = await decide(BILLING);
      assert.equal(first.allow, true);
      assert.equal(first.conditionalAccessStatus, 'notApplied');
      const results = Object.fromEntries(
        first.appliedConditionalAccessPolicies.map((p: { id: string; result: string }) => [p.id, p.result]),
      );
      assert.deepEqual(results, { [riskPolicyId]: 'notApplied', [reportOnlyId]: 'reportOnlyNotApplied' });

      const outside = await decide(BILLING, '203.0.113.9');
      assert.equal(outside.allow, true, 'report-only never blocks');
      assert.equal(
        outside.appliedConditionalAccessPolicies.find((p: { id: string }) => p.id === reportOnlyId).result,
        'reportOnlyFailure',
      );

      const confirm = await call(
        'security-administrator',
        'POST',
        '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
        {
          servicePrincipalIds: [BILLING.id],
        },
      );
      assert.equal(confirm.statusCode, 204);
      const blocked = await decide(BILLING);
      assert.equal(blocked.allow, false, `the very next decision blocks: ${JSON.stringify(blocked)}`);
      assert.equal(blocked.decidedBy, riskPolicyId);
      assert.equal(blocked.conditionalAccessStatus, 'failure');
      assert.equal(blocked.riskLevel, 'high');

      const dismiss = await call(
        'security-administrator',
        'POST',
        '/v1.0/identityProtection/riskyServicePrincipals/dismiss',
        {
          servicePrincipalIds: [BILLING.id],
        },
      );
      assert.equal(dismiss.statusCode, 204);
      assert.equal((await decide(BILLING)).allow, true);
    });

    test("Entra's scope by default: a managed identity and a multi-tenant app are notApplied", async () => {
      for (const [principal, outOfScope] of [
        [MANAGED, /does not cover managed identities/],
        [PARTNER, /does not cover service principals of multi-tenant/],
      ] as const) {
        const confirm = await call(
          'security-administrator',
          'POST',
          '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
          {
            servicePrincipalIds: [principal.id],
          },
        );
        assert.equal(confirm.statusCode, 204);
        const d = await decide(principal);
        assert.equal(d.riskLevel, 'high', 'at high risk, which the risk policy would block in scope');
        assert.equal(d.allow, true);
        assert.equal(d.conditionalAccessStatus, 'notApplied');
        assert.equal(
          d.appliedConditionalAccessPolicies.find((p: { id: string }) => p.id === riskPolicyId).result,
          'notApplied',
        );
        assert.match(d.reason, outOfScope);
      }
    });

    test('a change made by another process reaches decisions within a second', async () => {
      const before = await decide(BILLING);
      assert.equal(before.allow, true);
      const run = await runVigil(['risky', 'confirm-compromised', '--actor', 'soc@contoso.com', BILLING.id], {
        ...t.env,
        VIGIL_TENANT_ID: TENANT,
      });
      assert.equal(run.code, 0, run.stderr);
      const deadline = Date.now() + 1000;
      let d = await decide(BILLING);
      while (d.allow && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        d = await decide(BILLING);
      }
      assert.equal(d.allow, false, 'blocked within a second of the other process committing');
      await call(
        'security-administrator',
        'POST',
        '/v1.0/identityProtection/riskyServicePrincipals/dismiss',
        {
          servicePrincipalIds: [BILLING.id],
        },
      );
    });

    test('a policy turned off applies to the next decision; decisions and changes are on the record', async () => {
      await call(
        'security-administrator',
        'POST',
        '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
        {
          servicePrincipalIds: [BILLING.id],
        },
      );
      assert.equal((await decide(BILLING)).allow, false);
      const off = await call(
        'conditional-access-administrator',
        'PATCH',
        `/v1.0/identity/conditionalAccess/policies/${riskPolicyId}`,
        {
          state: 'disabled',
        },
      );
      assert.equal(off.statusCode, 204);
      const d = await decide(BILLING);
      assert.equal(d.allow, true);
      assert.equal(
        d.appliedConditionalAccessPolicies.find((p: { id: string }) => p.id === riskPolicyId).result,
        'notEnabled',
      );

      // Decisions are written in batches off the decision path; wait for the batch to land.
      let signIns: Record<string, unknown>[] = [];
      for (
        let i = 0;
        i < 300 && !signIns.some((s) => (s.status as { errorCode: number }).errorCode === 53003);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
        signIns = (
          await call(
            'security-reader',
            'GET',
            `/beta/auditLogs/signIns?$filter=servicePrincipalId eq '${BILLING.id}'`,
          )
        ).json().value;
      }
      const blocked = signIns.find((s) => (s.status as { errorCode: number }).errorCode === 53003);
      assert.ok(blocked, 'a blocked decision is a sign-in with error 53003');
      assert.equal(blocked.conditionalAccessStatus, 'failure');
      assert.ok(
        signIns.some((s) =>
          (s.appliedConditionalAccessPolicies as { id: string; result: string }[]).some(
            (p) => p.id === reportOnlyId && p.result === 'reportOnlyFailure',
          ),
        ),
        'the report-only outcome is recorded',
      );
      const audits = (
        await call(
          'security-reader',
          'GET',
          "/v1.0/auditLogs/directoryAudits?$filter=category eq 'Policy'&$orderby=activityDateTime asc",
        )
      ).json().value;
      assert.deepEqual(
        audits.map((a: { activityDisplayName: string }) => a.activityDisplayName),
        [
          'Add named location',
          'Add Conditional Access policy',
          'Add Conditional Access policy',
          'Update Conditional Access policy',
        ],
      );
    });
  });
}
