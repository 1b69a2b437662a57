import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { remigrateAfter } from '../../../test/support/remigrate.ts';
import type { CredentialChange, DirectoryAudit, SignIn } from '../../domain/index.ts';
import { packSignIns } from '../rows/packed-sign-ins.ts';
import { createCredentialHistoryQueries } from './credential-history-queries.ts';
import { createIngestQueries, emptyBatch, INVENTORY_SYNC_ACTOR } from './ingest-queries.ts';
import { createInventoryQueries } from './inventory-queries.ts';
import { createLogQueries } from './log-queries.ts';
import { createQuarantineQueries } from './quarantine-queries.ts';

const TENANT = '7c1f3b2a-58d4-4e0b-9a61-2f0c8d9e4b17';
const SP = '3f2b6c1d-8e4a-4b7f-9c2d-1a5e6f7b8c9d';

function signIn(id: string, at: string, ip: string): SignIn {
  return {
    tenantId: TENANT,
    id,
    kind: 'servicePrincipal',
    createdAt: at,
    servicePrincipalId: SP,
    servicePrincipalName: 'contoso-billing-api',
    appId: 'a1b2c3d4-0000-4a5b-8c9d-0e1f2a3b4c5d',
    ipAddress: ip,
    asn: 8075,
    asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK',
    country: 'NL',
    state: 'Noord-Holland',
    city: 'Amsterdam',
    hosting: true,
    hostingProvider: 'Microsoft',
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: '9b1c2d3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e',
    userAgent: 'azsdk-python-identity/1.15.0 Python/3.11.4',
    credentialType: 'clientSecret',
    credentialKeyId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode: 0,
    failureReason: null,
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: 'c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f',
    correlationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    msiType: null,
    associatedResourceId: null,
  };
}

function credentialAudit(
  id: string,
  change: 'added' | 'removed',
  at: string,
): {
  audit: DirectoryAudit;
  credentialChanges: CredentialChange[];
} {
  return {
    audit: {
      tenantId: TENANT,
      id,
      activityDateTime: at,
      activityDisplayName: 'Update application – Certificates and secrets management ',
      activity: 'Update application - Certificates and secrets management',
      category: 'ApplicationManagement',
      operationType: 'Update',
      result: 'success',
      resultReason: null,
      loggedByService: 'Core Directory',
      correlationId: null,
      initiatedBy: {
        kind: 'user',
        id: 'e1d2c3b4-a596-4877-9685-746352413021',
        displayName: 'Ops Admin',
        userPrincipalName: 'ops-admin@contoso.onmicrosoft.com',
        appId: null,
        servicePrincipalId: null,
        ipAddress: '203.0.113.7',
      },
      targets: [
        { id: SP, displayName: 'contoso-billing-api', type: 'ServicePrincipal', modifiedProperties: [] },
      ],
      additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0' }],
    },
    credentialChanges: [
      {
        tenantId: TENANT,
        ownerId: SP,
        ownerType: 'servicePrincipal',
        ownerDisplayName: 'contoso-billing-api',
        change,
        keyId: '11111111-2222-4333-8444-555555555555',
        type: 'password',
        keyType: 'Password',
        usage: 'Verify',
        displayName: 'ci-secret',
        at,
        by: 'ops-admin@contoso.onmicrosoft.com',
        auditId: id,
      },
    ],
  };
}

for (const dialect of dialects) {
  describe(`ingest queries on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => {
      await t.cleanup();
    });

    test('stores each sign-in once and numbers batches in commit order', async () => {
      const ingest = createIngestQueries(t.store);
      const logs = createLogQueries(t.store);
      const b1 = emptyBatch();
      b1.signIns = packSignIns([
        signIn('s-1', '2026-11-01T10:00:00.000Z', '20.190.128.4'),
        signIn('s-2', '2026-11-01T10:05:00.000Z', '20.190.128.9'),
      ]);
      const r1 = await ingest.writeBatch(b1, '2026-11-26T12:00:00.000Z');
      assert.equal(r1.stored, 2);
      assert.equal(r1.duplicates, 0);

      const b2 = emptyBatch();
      b2.signIns = packSignIns([
        signIn('s-2', '2026-11-01T10:05:00.000Z', '20.190.128.9'),
        signIn('s-3', '2026-11-01T10:10:00.000Z', '20.190.128.10'),
      ]);
      const r2 = await ingest.writeBatch(b2, '2026-11-26T12:00:01.000Z');
      assert.deepEqual([r2.stored, r2.duplicates], [1, 1]);
      assert.equal(r2.batch, r1.batch + 1);
      assert.equal(await logs.countSignIns(TENANT), 3);
      // Incremental work finds what each batch brought per principal, and from which event time.
      const arrivals = await t.store.db
        .selectFrom('sign_in_arrivals')
        .selectAll()
        .orderBy('ingest_batch')
        .execute();
      assert.deepEqual(
        arrivals.map((a) => [
          Number(a.ingest_batch) - r1.batch,
          a.first_created_at,
          a.last_created_at,
          Number(a.count),
        ]),
        [
          [0, '2026-11-01T10:00:00.000Z', '2026-11-01T10:05:00.000Z', 2],
          [1, '2026-11-01T10:05:00.000Z', '2026-11-01T10:10:00.000Z', 2],
        ],
      );
      assert.equal(await logs.lastBatch(), r2.batch);

      const back = await logs.getSignIn(TENANT, 's-1');
      assert.deepEqual(back, signIn('s-1', '2026-11-01T10:00:00.000Z', '20.190.128.4'));
      // A principal seen only in logs exists as a principal.
      const sp = await createInventoryQueries(t.store).getPrincipal(TENANT, SP);
      assert.equal(sp?.displayName, 'contoso-billing-api');
      assert.equal(sp?.source, 'log');
      assert.equal(sp?.kind, 'application');
    });

    test("each tenant's sign-in history begins at the earliest sign-in stored, however late it came", async () => {
      const other = '3d9e1f70-6b2a-4c85-9e14-7a0f2c6b8d31';
      const ingest = createIngestQueries(t.store);
      const history = createCredentialHistoryQueries(t.store);
      const write = (signIns: SignIn[], now: string) => {
        const b = emptyBatch();
        b.signIns = packSignIns(signIns);
        return ingest.writeBatch(b, now);
      };
      const start = (await history.historySince(TENANT)).signIns;
      assert.ok(
        start !== null && start > '2026-10-01T08:00:00.000Z',
        'the earlier test stored later sign-ins',
      );
      await write([signIn('h-1', '2026-10-01T08:00:00.000Z', '20.190.128.4')], '2026-11-26T13:00:00.000Z');
      assert.equal((await history.historySince(TENANT)).signIns, '2026-10-01T08:00:00.000Z');
      await write(
        [
          signIn('h-2', '2026-10-20T08:00:00.000Z', '20.190.128.4'),
          { ...signIn('h-3', '2026-09-15T08:00:00.000Z', '20.190.128.4'), tenantId: other },
        ],
        '2026-11-26T13:00:01.000Z',
      );
      assert.equal(
        (await history.historySince(TENANT)).signIns,
        '2026-10-01T08:00:00.000Z',
        'a later sign-in leaves the start where it was',
      );
      assert.equal((await history.historySince(other)).signIns, '2026-09-15T08:00:00.000Z', 'tenants apart');
      await write([signIn('h-4', '2026-08-31T23:59:59.000Z', '20.190.128.4')], '2026-11-26T13:00:02.000Z');
      assert.equal(
        (await history.historySince(TENANT)).signIns,
        '2026-08-31T23:59:59.000Z',
        'old history imported late',
      );

      // A store that had sign-ins before the history was kept gets it from what arrived.
      assert.ok(
        (await remigrateAfter(t.store, '2026-11-27-0012-credential-actions')).includes(
          '2026-11-27-0013-sign-in-history',
        ),
      );
      assert.equal((await history.historySince(TENANT)).signIns, '2026-08-31T23:59:59.000Z');
      assert.equal((await history.historySince(other)).signIns, '2026-09-15T08:00:00.000Z');
    });

    test('credential additions and removals from audit events keep the inventory current', async () => {
      const ingest = createIngestQueries(t.store);
      const inv = createInventoryQueries(t.store);
      const b = emptyBatch();
      b.audits.push(credentialAudit('Directory_a1_1', 'added', '2026-11-02T08:00:00.000Z'));
      await ingest.writeBatch(b, '2026-11-26T12:00:02.000Z');
      let creds = await inv.credentialsOf(TENANT, SP);
      assert.equal(creds.length, 1);
      assert.equal(creds[0]?.addedBy, 'ops-admin@contoso.onmicrosoft.com');
      assert.equal(creds[0]?.addedAt, '2026-11-02T08:00:00.000Z');
      assert.equal(creds[0]?.removedAt, null);

      const b2 = emptyBatch();
      b2.audits.push(credentialAudit('Directory_a1_2', 'removed', '2026-11-03T08:00:00.000Z'));
      b2.audits.push(credentialAudit('Directory_a1_1', 'added', '2026-11-02T08:00:00.000Z'));
      const r = await ingest.writeBatch(b2, '2026-11-26T12:00:03.000Z');
      assert.deepEqual([r.stored, r.duplicates], [1, 1]);
      creds = await inv.credentialsOf(TENANT, SP);
      assert.equal(creds[0]?.removedAt, '2026-11-03T08:00:00.000Z');
      assert.equal(creds[0]?.addedAt, '2026-11-02T08:00:00.000Z');
    });

    test('an inventory import fills in a log-only principal and marks vanished credentials removed', async () => {
      const ingest = createIngestQueries(t.store);
      const inv = createInventoryQueries(t.store);
      // A secret added through the portal, then gone from the next inventory snapshot.
      const added = credentialAudit('Directory_a1_3', 'added', '2026-11-04T08:00:00.000Z');
      added.credentialChanges[0]!.keyId = '22222222-2222-4333-8444-555555555555';
      const pre = emptyBatch();
      pre.audits.push(added);
      await ingest.writeBatch(pre, '2026-11-26T12:59:00.000Z');

      const b = emptyBatch();
      b.principals.push({
        tenantId: TENANT,
        id: SP,
        appId: 'a1b2c3d4-0000-4a5b-8c9d-0e1f2a3b4c5d',
        displayName: 'contoso-billing-api',
        kind: 'application',
        servicePrincipalType: 'Application',
        appOwnerOrganizationId: TENANT,
        accountEnabled: true,
        createdAt: '2025-01-10T09:00:00.000Z',
        source: 'inventory',
      });
      b.credentials.push({
        tenantId: TENANT,
        ownerId: SP,
        ownerType: 'servicePrincipal',
        keyId: '99999999-2222-4333-8444-555555555555',
        type: 'certificate',
        keyType: 'AsymmetricX509Cert',
        usage: 'Verify',
        displayName: 'CN=billing',
        hint: null,
        thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
        startDateTime: '2026-01-01T00:00:00.000Z',
        endDateTime: '2027-01-01T00:00:00.000Z',
        issuer: null,
        subject: null,
        audiences: null,
        addedAt: null,
        addedBy: null,
        removedAt: null,
        removedBy: null,
      });
      const r1 = await ingest.writeBatch(b, '2026-11-26T13:00:00.000Z');
      assert.equal(r1.stored, 1);
      const r2 = await ingest.writeBatch(b, '2026-11-26T13:00:01.000Z');
      assert.deepEqual([r2.stored, r2.duplicates], [0, 1], 'the same inventory again changes nothing');
      const sp = await inv.getPrincipal(TENANT, SP);
      assert.equal(sp?.source, 'inventory');
      assert.equal(sp?.accountEnabled, true);
      const creds = await inv.credentialsOf(TENANT, SP);
      const cert = creds.find((c) => c.type === 'certificate');
      assert.equal(cert?.thumbprint, 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678');
      assert.equal(cert?.removedAt, null);
      const vanished = creds.find((c) => c.keyId === '22222222-2222-4333-8444-555555555555');
      assert.equal(vanished?.removedBy, INVENTORY_SYNC_ACTOR);
      assert.equal(vanished?.removedAt, '2026-11-26T13:00:00.000Z');
      assert.equal(vanished?.addedBy, 'ops-admin@contoso.onmicrosoft.com');
    });

    test('re-quarantining the same bad record keeps one entry', async () => {
      const ingest = createIngestQueries(t.store);
      const quarantine = createQuarantineQueries(t.store);
      const bad = {
        tenantId: TENANT,
        source: '/exports/PT1H.json',
        line: 7,
        path: null,
        format: 'entraDiagnostic' as const,
        reason: 'invalid JSON: Unexpected end of JSON input',
        text: '{"time":"2026-11-01T10:00:00Z","categ',
      };
      const b = emptyBatch();
      b.quarantine.push(bad);
      await ingest.writeBatch(b, '2026-11-26T14:00:00.000Z');
      await ingest.writeBatch(b, '2026-11-26T14:00:01.000Z');
      const list = await quarantine.list({ tenantId: TENANT, limit: 10 });
      assert.equal(list.length, 1);
      assert.equal(list[0]?.line, 7);
      assert.match(list[0]?.reason ?? '', /invalid JSON/);
    });
  });
}
