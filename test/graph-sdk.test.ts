import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { runDetections } from '../src/jobs/detection-run.ts';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { type GraphServer, startGraphServer } from './support/graph-server.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// Scripts written for Microsoft Graph drive Vigil through the official JavaScript SDK, over HTTPS,
// by changing only the base URL. The tenant is simulated (two weeks, thirty workloads, attacks) and
// detection has run, so every list holds what a real deployment would.

const dir = mkdtempSync(join(tmpdir(), 'vigil-graph-sdk-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

before(async () => {
  labels = (await simulateTenant({ out, principals: 30, days: 14, seed: 404 })).labels;
});

type Entity = Record<string, unknown>;

/** Follows every page with the SDK's PageIterator; returns the items and how many pages there were. */
async function everyPage(client: Client, first: Entity): Promise<{ items: Entity[]; pages: number }> {
  const items: Entity[] = [];
  const iterator = new PageIterator(client, first as never, (item: Entity) => {
    items.push(item);
    return true;
  });
  await iterator.iterate();
  // PageIterator does not count pages: follow the nextLinks once more to count them.
  let link = first['@odata.nextLink'] as string | undefined;
  let pages = 1;
  while (link) {
    const page = (await client.api(link).get()) as Entity;
    pages += 1;
    link = page['@odata.nextLink'] as string | undefined;
  }
  return { items, pages };
}

async function graphError(run: () => Promise<unknown>): Promise<GraphError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
}

for (const dialect of dialects) {
  describe(`the Graph SDK against Vigil on ${dialect}`, () => {
    let t: TestStore;
    let server: GraphServer;
    let reader: Client;
    let admin: Client;
    let adminKeyId: string;
    before(async () => {
      t = await createTestStore(dialect);
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: true });
      await runDetections(t.store, labels.end);
      server = await startGraphServer(t.store, labels.tenantId);
      reader = server.client(await server.key('security-reader'));
      const adminKey = await server.key('security-administrator');
      adminKeyId = adminKey.split('_')[1]!;
      admin = server.client(adminKey);
    });
    after(async () => {
      await server.close();
      await t.cleanup();
    });

    test('lists risky service principals by level, page by page, each exactly once', async () => {
      const expected = await t.store.db
        .selectFrom('risky_principals')
        .select('principal_id')
        .where('tenant_id', '=', labels.tenantId)
        .where('risk_level', 'in', ['medium', 'high'])
        .execute();
      assert.ok(expected.length >= 3, `the simulated attacks left principals at risk (${expected.length})`);
      const first = await reader
        .api('/identityProtection/riskyServicePrincipals')
        .filter("riskLevel eq 'high' or riskLevel eq 'medium'")
        .top(2)
        .count(true)
        .get();
      assert.match(
        first['@odata.context'],
        /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/\$metadata#identityProtection\/riskyServicePrincipals$/,
      );
      assert.equal(first['@odata.count'], expected.length);
      assert.equal(first.value.length, 2);
      const { items, pages } = await everyPage(reader, first);
      assert.equal(pages, Math.ceil(expected.length / 2));
      assert.deepEqual(items.map((i) => i.id).sort(), expected.map((e) => e.principal_id).sort());
      for (const item of items) {
        assert.ok(['medium', 'high'].includes(item.riskLevel as string));
        assert.equal(typeof item.isEnabled, 'boolean', 'v1.0 names it isEnabled');
        assert.equal(item.accountEnabled, undefined, 'accountEnabled is beta only');
        assert.equal(typeof item.displayName, 'string');
      }
      // Newest change first by default.
      const times = items.map((i) => i.riskLastUpdatedDateTime as string);
      assert.deepEqual(times, [...times].sort().reverse());
    });

    test('lists detections with the documented or-filter, ordered, selected, across pages', async () => {
      const rows = await t.store.db
        .selectFrom('risk_detections')
        .select(['id', 'activity_date_time'])
        .where('tenant_id', '=', labels.tenantId)
        .where((eb) =>
          eb.or([eb('risk_event_type', '=', 'suspiciousSignins'), eb('risk_level', '=', 'medium')]),
        )
        .execute();
      assert.ok(rows.length > 10, `enough detections to page through (${rows.length})`);
      const first = await reader
        .api('/identityProtection/servicePrincipalRiskDetections')
        .filter("riskEventType eq 'suspiciousSignins' or riskLevel eq 'medium'")
        .orderby('activityDateTime asc')
        .select(['id', 'riskEventType', 'riskLevel', 'activityDateTime', 'servicePrincipalId'])
        .top(7)
        .get();
      assert.match(
        first['@odata.context'],
        /#identityProtection\/servicePrincipalRiskDetections\(id,riskEventType,riskLevel,activityDateTime,servicePrincipalId\)$/,
      );
      assert.deepEqual(Object.keys(first.value[0]).sort(), [
        'activityDateTime',
        'id',
        'riskEventType',
        'riskLevel',
        'servicePrincipalId',
      ]);
      const { items } = await everyPage(reader, first);
      assert.equal(items.length, rows.length);
      assert.equal(new Set(items.map((i) => i.id)).size, rows.length, 'no detection twice');
      const times = items.map((i) => i.activityDateTime as string);
      assert.deepEqual(times, [...times].sort(), 'in activity time order');
    });

    test('reads one principal, one detection and a history; beta names what beta names', async () => {
      const detection = (
        await reader
          .api('/identityProtection/servicePrincipalRiskDetections')
          .filter("riskLevel eq 'high'")
          .top(1)
          .get()
      ).value[0];
      assert.ok(detection, 'a high detection exists');
      const one = await reader
        .api(`/identityProtection/servicePrincipalRiskDetections/${detection.id}`)
        .get();
      assert.equal(one.id, detection.id);
      assert.match(one['@odata.context'], /servicePrincipalRiskDetections\/\$entity$/);
      assert.equal(typeof one.additionalInfo, 'string');
      assert.ok(Array.isArray(JSON.parse(one.additionalInfo)), 'additionalInfo is a JSON string');
      assert.equal(one.mitreTechniqueId, undefined, 'mitreTechniqueId is beta only');
      const beta = server.client(await server.key('security-reader'), 'beta');
      const betaOne = await beta
        .api(`/identityProtection/servicePrincipalRiskDetections/${detection.id}`)
        .get();
      assert.ok('mitreTechniqueId' in betaOne);
      const principal = await beta
        .api(`/identityProtection/riskyServicePrincipals/${detection.servicePrincipalId}`)
        .get();
      assert.equal(principal.id, detection.servicePrincipalId);
      assert.equal(typeof principal.accountEnabled, 'boolean');
      const history = await reader
        .api(`/identityProtection/riskyServicePrincipals/${detection.servicePrincipalId}/history`)
        .get();
      assert.ok(history.value.length >= 1);
      assert.ok(history.value.every((h: Entity) => h.servicePrincipalId === detection.servicePrincipalId));
    });

    test('confirm compromised and dismiss: 204, the new state, the actor in history and the audit log', async () => {
      const target = (
        await reader
          .api('/identityProtection/riskyServicePrincipals')
          .filter("riskLevel eq 'low'")
          .top(1)
          .get()
      ).value[0] as Entity;
      assert.ok(target, 'a low-risk principal exists');
      const id = target.id as string;
      await admin
        .api('/identityProtection/riskyServicePrincipals/confirmCompromised')
        .post({ servicePrincipalIds: [id] });
      const plain = await reader.api(`/identityProtection/riskyServicePrincipals/${id}`).get();
      assert.deepEqual([plain.riskLevel, plain.riskState], ['high', 'confirmedCompromised']);
      // An evolvable enum member is named only when the client asks for it.
      assert.equal(plain.riskDetail, 'unknownFutureValue');
      const named = await reader
        .api(`/identityProtection/riskyServicePrincipals/${id}`)
        .header('Prefer', 'include-unknown-enum-members')
        .get();
      assert.equal(named.riskDetail, 'adminConfirmedServicePrincipalCompromised');

      const history = await reader
        .api(`/identityProtection/riskyServicePrincipals/${id}/history`)
        .header('Prefer', 'include-unknown-enum-members')
        .get();
      const confirm = history.value.find((h: Entity) => h.riskState === 'confirmedCompromised');
      assert.equal(confirm.initiatedBy, `apiKey:${adminKeyId}`);
      assert.deepEqual(confirm.activity.riskEventTypes, ['adminConfirmedServicePrincipalCompromised']);

      await admin
        .api('/identityProtection/riskyServicePrincipals/dismiss')
        .post({ servicePrincipalIds: [id] });
      const dismissed = await reader
        .api(`/identityProtection/riskyServicePrincipals/${id}`)
        .header('Prefer', 'include-unknown-enum-members')
        .get();
      assert.deepEqual(
        [dismissed.riskLevel, dismissed.riskState, dismissed.riskDetail],
        ['none', 'dismissed', 'adminDismissedAllRiskForServicePrincipal'],
      );

      const audits = await reader
        .api('/auditLogs/directoryAudits')
        .filter("loggedByService eq 'Vigil'")
        .orderby('activityDateTime asc')
        .get();
      assert.deepEqual(
        audits.value.map((a: Entity) => a.activityDisplayName),
        ['Confirm service principal compromised', 'Dismiss service principal risk'],
      );
      assert.equal(audits.value[0].targetResources[0].id, id);
      assert.equal(audits.value[0].initiatedBy.app.displayName, 'test security-administrator');
    });

    test('an unknown id changes nothing and is named in a 404', async () => {
      const known = (await reader.api('/identityProtection/riskyServicePrincipals').top(1).get())
        .value[0] as Entity;
      const before = await reader.api(`/identityProtection/riskyServicePrincipals/${known.id}`).get();
      const unknown = '0b0e7d4c-1f1a-4c2b-9a5e-000000000404';
      const err = await graphError(() =>
        admin
          .api('/identityProtection/riskyServicePrincipals/confirmCompromised')
          .post({ servicePrincipalIds: [known.id, unknown] }),
      );
      assert.equal(err.statusCode, 404);
      assert.equal(err.code, 'Request_ResourceNotFound');
      assert.match(err.message, new RegExp(unknown));
      const after = await reader.api(`/identityProtection/riskyServicePrincipals/${known.id}`).get();
      assert.equal(after.riskState, before.riskState);
      const tooMany = await graphError(() =>
        admin
          .api('/identityProtection/riskyServicePrincipals/dismiss')
          .post({ servicePrincipalIds: Array.from({ length: 61 }, () => unknown) }),
      );
      assert.equal(tooMany.statusCode, 400);
    });

    test('bad queries and missing permissions end in GraphErrors with Graph codes', async () => {
      const syntax = await graphError(() =>
        reader.api('/identityProtection/riskyServicePrincipals').filter("riskLevel eq 'high' and").get(),
      );
      assert.equal(syntax.statusCode, 400);
      assert.equal(syntax.code, 'BadRequest');
      assert.match(syntax.message, /\$filter/);
      assert.ok(syntax.requestId, 'the request id travels in innerError');

      const property = await graphError(() =>
        reader.api('/identityProtection/servicePrincipalRiskDetections').filter("secret eq 'x'").get(),
      );
      assert.equal(property.statusCode, 400);
      assert.match(property.message, /secret/);

      const denied = await graphError(() =>
        reader.api('/identityProtection/riskyServicePrincipals/dismiss').post({
          servicePrincipalIds: ['0b0e7d4c-1f1a-4c2b-9a5e-000000000404'],
        }),
      );
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.code, 'Authorization_RequestDenied');

      const ingestOnly = server.client(await server.key('ingest'));
      const noRead = await graphError(() =>
        ingestOnly.api('/identityProtection/riskyServicePrincipals').get(),
      );
      assert.equal(noRead.statusCode, 403);

      const bogus = server.client('vigil_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      const unauthenticated = await graphError(() =>
        bogus.api('/identityProtection/riskyServicePrincipals').get(),
      );
      assert.equal(unauthenticated.statusCode, 401);
      assert.equal(unauthenticated.code, 'InvalidAuthenticationToken');

      const missing = await graphError(() =>
        reader.api('/identityProtection/riskyServicePrincipals/0b0e7d4c-1f1a-4c2b-9a5e-000000000404').get(),
      );
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.code, 'Request_ResourceNotFound');
    });

    test('workload sign-ins through the beta filter, and the inventory with credentials', async () => {
      const beta = server.client(await server.key('global-reader'), 'beta');
      const managed = await beta
        .api('/auditLogs/signIns')
        .filter("signInEventTypes/any(t: t eq 'managedIdentity')")
        .top(50)
        .get();
      assert.ok(managed.value.length > 0, 'the tenant has managed identity sign-ins');
      for (const s of managed.value) assert.deepEqual(s.signInEventTypes, ['managedIdentity']);
      const apps = await beta
        .api('/auditLogs/signIns')
        .filter("signInEventTypes/any(t: t eq 'servicePrincipal') and status/errorCode eq 0")
        .top(50)
        .get();
      assert.ok(apps.value.length > 0);
      for (const s of apps.value) {
        assert.deepEqual(s.signInEventTypes, ['servicePrincipal']);
        assert.equal(s.status.errorCode, 0);
      }
      const principals = await reader
        .api('/servicePrincipals')
        .filter("servicePrincipalType eq 'Application'")
        .top(100)
        .get();
      const withSecret = principals.value.find(
        (p: Entity) =>
          (p.passwordCredentials as unknown[]).length + (p.keyCredentials as unknown[]).length > 0,
      );
      const one = await reader.api(`/servicePrincipals/${(withSecret ?? principals.value[0]).id}`).get();
      assert.ok(Array.isArray(one.passwordCredentials) && Array.isArray(one.keyCredentials));
      for (const c of one.passwordCredentials) assert.equal(c.secretText, null, 'a secret is never returned');
    });
  });
}
