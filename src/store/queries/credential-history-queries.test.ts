import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import type { AuditActor, CredentialChange, DirectoryAudit, SignIn } from '../../domain/index.ts';
import { packSignIns } from '../rows/packed-sign-ins.ts';
import { createCredentialHistoryQueries } from './credential-history-queries.ts';
import { createIngestQueries, emptyBatch } from './ingest-queries.ts';

const TENANT = '7c1f3b2a-58d4-4e0b-9a61-2f0c8d9e4b17';
const OTHER_TENANT = '2b8d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d1f';
const SP = '3f2b6c1d-8e4a-4b7f-9c2d-1a5e6f7b8c9d';
const APP_OBJECT = '5a7c9e1b-3d5f-4b7d-8f1a-2c4e6a8c0e3b';
const APP_ID = 'a1b2c3d4-0000-4a5b-8c9d-0e1f2a3b4c5d';
const KEY = 'f0e1d2c3-b4a5-4968-8776-655443322110';

const ADMIN: AuditActor = {
  kind: 'user',
  id: 'e1d2c3b4-a596-4877-9685-746352413021',
  displayName: null,
  userPrincipalName: 'ops-admin@contoso.onmicrosoft.com',
  appId: null,
  servicePrincipalId: null,
  ipAddress: '203.0.113.7',
};
/** An initiator the log names only by display name. */
const NAMELESS: AuditActor = {
  ...ADMIN,
  id: null,
  userPrincipalName: null,
  displayName: 'Legacy Sync Agent',
};

function audit(
  id: string,
  activityDisplayName: string,
  at: string,
  options: {
    actor?: AuditActor;
    result?: string;
    tenantId?: string;
    targetId?: string;
    property?: string;
  } = {},
): { audit: DirectoryAudit; credentialChanges: CredentialChange[] } {
  const activity = activityDisplayName.replace('\u2013', '-').trim();
  return {
    audit: {
      tenantId: options.tenantId ?? TENANT,
      id,
      activityDateTime: at,
      activityDisplayName,
      activity,
      category: 'ApplicationManagement',
      operationType: 'Update',
      result: options.result ?? 'success',
      resultReason: null,
      loggedByService: 'Core Directory',
      correlationId: null,
      initiatedBy: options.actor ?? ADMIN,
      targets: [
        {
          id: options.targetId ?? APP_OBJECT,
          displayName: 'contoso-billing-api',
          type: 'Application',
          modifiedProperties: [
            { displayName: options.property ?? 'KeyDescription', oldValue: '[]', newValue: '[]' },
          ],
        },
      ],
      additionalDetails: [{ key: 'AppId', value: APP_ID }],
    },
    credentialChanges: [],
  };
}

function signIn(id: string, at: string, statusCode: number, keyId: string | null): SignIn {
  return {
    tenantId: TENANT,
    id,
    kind: 'servicePrincipal',
    createdAt: at,
    servicePrincipalId: SP,
    servicePrincipalName: 'contoso-billing-api',
    appId: APP_ID,
    ipAddress: '20.61.100.17',
    asn: 8075,
    asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK',
    country: 'NL',
    state: 'Noord-Holland',
    city: 'Amsterdam',
    hosting: true,
    hostingProvider: 'Microsoft',
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: null,
    userAgent: 'azsdk-python-identity/1.15.0 Python/3.11.4',
    credentialType: keyId === null ? 'federatedIdentityCredential' : 'clientSecret',
    credentialKeyId: keyId,
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode,
    failureReason: statusCode === 0 ? null : 'Invalid client secret provided.',
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: null,
    correlationId: null,
    msiType: null,
    associatedResourceId: null,
  };
}

const CREDENTIAL = {
  activities: [
    'update application - certificates and secrets management',
    'add service principal credentials',
  ],
  whenTargetsMention: { activity: 'update application', text: 'federatedidentitycredential' },
};
const SECRETS = 'Update application \u2013 Certificates and secrets management ';

for (const dialect of dialects) {
  describe(`credential history queries on ${dialect}`, () => {
    let t: TestStore;
    let batches: number[];
    before(async () => {
      t = await createTestStore(dialect);
      const ingest = createIngestQueries(t.store);
      const now = '2026-09-30T00:00:00.000Z';
      const first = emptyBatch();
      first.audits.push(
        audit('Directory_a1', SECRETS, '2026-09-01T10:00:00.000Z'),
        audit('Directory_a2', SECRETS, '2026-09-02T10:00:00.000Z', { result: 'failure' }),
        audit('Directory_a3', 'Update application', '2026-09-03T10:00:00.000Z'),
        audit('Directory_a4', 'Update application', '2026-09-03T11:00:00.000Z', {
          property: 'FederatedIdentityCredentials',
        }),
        audit('Directory_a5', 'Add service principal credentials', '2026-09-04T10:00:00.000Z', {
          actor: NAMELESS,
          targetId: SP,
        }),
        audit('Directory_x1', SECRETS, '2026-08-01T10:00:00.000Z', { tenantId: OTHER_TENANT }),
      );
      first.applications.push({
        tenantId: TENANT,
        id: APP_OBJECT,
        appId: APP_ID,
        displayName: 'contoso-billing-api',
        signInAudience: 'AzureADMyOrg',
        createdAt: '2024-05-02T08:00:00Z',
      });
      first.principals.push({
        tenantId: TENANT,
        id: SP,
        appId: APP_ID,
        displayName: 'contoso-billing-api',
        kind: 'application',
        servicePrincipalType: 'Application',
        appOwnerOrganizationId: TENANT,
        accountEnabled: true,
        createdAt: '2024-05-02T08:00:05Z',
        source: 'inventory',
      });
      first.credentials.push({
        tenantId: TENANT,
        ownerId: APP_OBJECT,
        ownerType: 'application',
        keyId: KEY,
        type: 'password',
        keyType: 'Password',
        usage: 'Verify',
        displayName: 'billing-2026',
        hint: 'Xy7',
        thumbprint: null,
        startDateTime: '2026-01-10T00:00:00Z',
        endDateTime: '2028-01-10T00:00:00Z',
        issuer: null,
        subject: null,
        audiences: null,
        addedAt: null,
        addedBy: null,
        removedAt: null,
        removedBy: null,
      });
      first.signIns = packSignIns([
        signIn('s1', '2026-09-01T09:00:00.000Z', 0, KEY),
        signIn('s2', '2026-09-05T09:00:00.000Z', 0, null),
        signIn('s3', '2026-09-06T09:00:00.000Z', 7000215, KEY),
      ]);
      const second = emptyBatch();
      second.audits.push(audit('Directory_b1', SECRETS, '2026-08-20T10:00:00.000Z'));
      batches = [(await ingest.writeBatch(first, now)).batch, (await ingest.writeBatch(second, now)).batch];
    });
    after(() => t.cleanup());

    test('credential events of a batch range: successful, selected activities, federated updates, in event order', async () => {
      const q = createCredentialHistoryQueries(t.store);
      const all = await q.auditsInBatches(0, batches[1]!, CREDENTIAL);
      assert.deepEqual(
        all.map((a) => a.id),
        // Tenant by tenant (the other tenant's id sorts first), then event time.
        ['Directory_x1', 'Directory_b1', 'Directory_a1', 'Directory_a4', 'Directory_a5'],
      );
      const second = await q.auditsInBatches(batches[0]!, batches[1]!, CREDENTIAL);
      assert.deepEqual(
        second.map((a) => a.id),
        ['Directory_b1'],
      );
      assert.equal(second[0]?.activityDisplayName, SECRETS, 'the stored event comes back whole');
    });

    test('events by time window and by the objects they name', async () => {
      const q = createCredentialHistoryQueries(t.store);
      const window = await q.auditsBetween(
        TENANT,
        '2026-09-01T10:00:00.000Z',
        '2026-09-03T11:00:00.000Z',
        CREDENTIAL,
      );
      assert.deepEqual(
        window.map((a) => a.id),
        ['Directory_a1', 'Directory_a4'],
      );
      const aboutSp = await q.auditsMentioning(TENANT, [SP.toUpperCase()], null, CREDENTIAL);
      assert.deepEqual(
        aboutSp.map((a) => a.id),
        ['Directory_a5'],
      );
      const byAppId = await q.auditsMentioning(TENANT, [APP_ID], null, CREDENTIAL);
      assert.deepEqual(
        byAppId.map((a) => a.id),
        ['Directory_b1', 'Directory_a1', 'Directory_a4', 'Directory_a5'],
        'events name the app id in their AppId detail',
      );
      const aboutBoth = await q.auditsMentioning(
        TENANT,
        [APP_OBJECT, SP],
        '2026-09-02T00:00:00.000Z',
        CREDENTIAL,
      );
      assert.deepEqual(
        aboutBoth.map((a) => a.id),
        ['Directory_b1', 'Directory_a1'],
      );
    });

    test("an actor's credential events, by object id or by name, in [from, to)", async () => {
      const q = createCredentialHistoryQueries(t.store);
      const activities = CREDENTIAL.activities;
      const events = await q.actorEvents(
        TENANT,
        { ids: [ADMIN.id!], names: ['Legacy Sync Agent'] },
        '2026-08-20T10:00:00.000Z',
        '2026-09-04T10:00:00.000Z',
        activities,
      );
      assert.deepEqual(events.map((e) => e.id).sort(), ['Directory_a1', 'Directory_b1']);
      const named = await q.actorEvents(
        TENANT,
        { ids: [], names: ['Legacy Sync Agent'] },
        '2026-09-01T00:00:00.000Z',
        '2026-09-30T00:00:00.000Z',
        activities,
      );
      assert.deepEqual(named, [
        { id: 'Directory_a5', at: '2026-09-04T10:00:00.000Z', actorId: null, actorName: 'Legacy Sync Agent' },
      ]);
    });

    test('where history begins, the inventory, and credentials', async () => {
      const q = createCredentialHistoryQueries(t.store);
      assert.deepEqual(await q.historySince(TENANT), {
        audits: '2026-08-20T10:00:00.000Z',
        signIns: '2026-09-01T09:00:00.000Z',
      });
      assert.deepEqual(await q.historySince('00000000-0000-4000-8000-000000000000'), {
        audits: null,
        signIns: null,
      });
      const sps = await q.servicePrincipals(TENANT, { ids: [], appIds: [APP_ID] });
      assert.deepEqual(sps, [
        { id: SP, appId: APP_ID, kind: 'application', createdAt: '2024-05-02T08:00:05Z' },
      ]);
      const apps = await q.applications(TENANT, { ids: [APP_OBJECT], appIds: [] });
      assert.equal(apps[0]?.appId, APP_ID);
      assert.deepEqual(await q.credentialsOf(TENANT, [APP_OBJECT, SP]), [
        {
          ownerId: APP_OBJECT,
          keyId: KEY,
          addedAt: null,
          startDateTime: '2026-01-10T00:00:00Z',
          removedAt: null,
          addedThroughVigil: false,
        },
      ]);
    });

    test('sign-in facts for many look-ups, in the order asked', async () => {
      const q = createCredentialHistoryQueries(t.store);
      const lookups = Array.from({ length: 230 }, (_, i) => ({
        principalId: i % 3 === 2 ? '00000000-0000-4000-8000-000000000001' : SP,
        before: i % 3 === 0 ? '2026-09-10T00:00:00.000Z' : '2026-09-05T09:00:00.000Z',
        since: '2026-08-01T00:00:00.000Z',
      }));
      const facts = await q.signInFacts(TENANT, lookups);
      assert.equal(facts.length, 230);
      for (let i = 0; i < lookups.length; i++) {
        const expected =
          i % 3 === 2
            ? { lastSignInAt: null, lastCredentialSignInAt: null }
            : i % 3 === 0
              ? // The failed sign-in on the 6th does not count; the one on the 5th named no credential.
                {
                  lastSignInAt: '2026-09-05T09:00:00.000Z',
                  lastCredentialSignInAt: '2026-09-01T09:00:00.000Z',
                }
              : {
                  lastSignInAt: '2026-09-01T09:00:00.000Z',
                  lastCredentialSignInAt: '2026-09-01T09:00:00.000Z',
                };
        assert.deepEqual(facts[i], expected, `look-up ${i}`);
      }
      const recent = await q.signInFacts(TENANT, [
        { principalId: SP, before: '2026-09-10T00:00:00.000Z', since: '2026-09-02T00:00:00.000Z' },
      ]);
      assert.deepEqual(recent, [{ lastSignInAt: '2026-09-05T09:00:00.000Z', lastCredentialSignInAt: null }]);
    });
  });
}
