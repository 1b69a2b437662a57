import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { remigrateAfter } from '../../../test/support/remigrate.ts';
import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import { packSignIns } from '../rows/packed-sign-ins.ts';
import { createIngestQueries, emptyBatch } from './ingest-queries.ts';
import { createSignInScanQueries, type ScanRange } from './sign-in-scan-queries.ts';

const CONTOSO = '7c1f3b2a-58d4-4e0b-9a61-2f0c8d9e4b17';
const FABRIKAM = 'b3e0c9a1-2d4f-4e6a-8b7c-5d9e1f0a2b3c';
const BILLING = '3f2b6c1d-8e4a-4b7f-9c2d-1a5e6f7b8c9d';
const DEPLOYER = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';
const KEY = '3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27';

function signIn(
  tenantId: string,
  principal: string,
  id: string,
  at: string,
  extra: Partial<SignIn> = {},
): SignIn {
  return workloadSignIn({
    tenantId,
    servicePrincipalId: principal,
    id,
    createdAt: at,
    credentialKeyId: KEY,
    ...extra,
  });
}

// What a scan hands out of a sign-in: the properties detections compare.
function compared(s: SignIn) {
  return [
    s.tenantId,
    s.id,
    s.kind,
    s.createdAt,
    s.servicePrincipalId,
    s.ipAddress,
    s.asn,
    s.asOrg,
    s.country,
    s.hosting,
    s.hostingProvider,
    s.resourceId,
    s.userAgent,
    s.credentialType,
    s.credentialKeyId,
    s.credentialThumbprint,
    s.federatedCredentialId,
    s.statusCode,
  ];
}

const stored = [
  signIn(CONTOSO, BILLING, 'scan-1', '2026-11-02T08:00:00.000Z'),
  // A failure from a VPS, with a certificate named by thumbprint only and nothing known of its network.
  signIn(CONTOSO, BILLING, 'scan-2', '2026-11-02T08:00:05.000Z', {
    ipAddress: '185.220.101.7',
    asn: null,
    asOrg: null,
    country: null,
    hosting: null,
    hostingProvider: null,
    credentialType: 'clientAssertion',
    credentialKeyId: null,
    credentialThumbprint: '3A1F9C0B7E5D2A4C6B8E0F1A3C5E7B9D1F3A5C7E',
    userAgent: null,
    statusCode: 7000215,
  }),
  // A managed identity of another tenant, signing in with a federated credential at the same instant.
  signIn(FABRIKAM, DEPLOYER, 'scan-3', '2026-11-02T08:00:05.000Z', {
    kind: 'managedIdentity',
    hosting: false,
    credentialType: 'federatedIdentityCredential',
    credentialKeyId: null,
    federatedCredentialId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
    country: 'DE',
    resourceId: 'https://vault.azure.net',
  }),
];

async function scanned(t: TestStore, range: Partial<ScanRange> & { principals?: string[] } = {}) {
  const out: SignIn[] = [];
  await createSignInScanQueries(t.store).newInRange(
    {
      fromBatch: 0,
      toBatch: 1_000,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
      ...range,
    },
    (s) => out.push(s),
  );
  return out.map(compared);
}

for (const dialect of dialects) {
  describe(`sign-in scans on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => {
      await t.cleanup();
    });

    test('a scan reads each stored sign-in once, with the values ingest stored, whatever the import repeats', async () => {
      const ingest = createIngestQueries(t.store);
      const first = emptyBatch();
      // The same record twice in one export, and again in a later one, is one sign-in.
      first.signIns = packSignIns([stored[0]!, stored[1]!, stored[0]!]);
      await ingest.writeBatch(first, '2026-11-26T12:00:00.000Z');
      const again = emptyBatch();
      again.signIns = packSignIns([stored[1]!, stored[2]!]);
      await ingest.writeBatch(again, '2026-11-26T12:00:01.000Z');

      // Event-time order; the tie at 08:00:05 in id order.
      assert.deepEqual(await scanned(t), stored.map(compared));
      assert.deepEqual(await scanned(t, { tenantId: FABRIKAM }), [compared(stored[2]!)]);
      assert.deepEqual(await scanned(t, { principals: [BILLING] }), stored.slice(0, 2).map(compared));
      assert.deepEqual(await scanned(t, { principals: ['00000000-0000-4000-8000-000000000000'] }), []);
      assert.deepEqual(await scanned(t, { fromBatch: 1_000 }), [], 'nothing after the last batch');
      const values = await t.store.db.selectFrom('sign_in_values').select(['value']).execute();
      assert.equal(
        values.filter((v) => v.value === KEY).length,
        1,
        'a value shared by sign-ins and batches is stored once',
      );

      // A store whose sign-ins were ingested before scan rows existed gets them from the sign-ins.
      await remigrateAfter(t.store, '2026-11-27-0013-sign-in-history');
      assert.deepEqual(await scanned(t), stored.map(compared));
      const later = signIn(CONTOSO, BILLING, 'scan-4', '2026-11-02T09:00:00.000Z', { country: 'IE' });
      const next = emptyBatch();
      next.signIns = packSignIns([later]);
      // Migrations run before a process ingests (the codes it remembers are those of its store).
      await createIngestQueries(t.store).writeBatch(next, '2026-11-26T12:00:02.000Z');
      assert.deepEqual(await scanned(t), [...stored, later].map(compared), 'codes go on after the backfill');
    });
  });
}
