import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { importFiles } from '../src/ingest/pipeline.ts';
import {
  type CredentialAdditionRun,
  detectCredentialAdditions,
  privilegeOf,
} from '../src/jobs/credential-addition-detection.ts';
import { makeAuditRecord } from '../src/simulate/audit-records.ts';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel, type WorkloadPrincipal } from '../src/simulate/tenant-model.ts';
import type { Store } from '../src/store/open-store.ts';
import { createTestStore, dialects } from './support/dialects.ts';

// A tenant's 105 days: workloads signing in daily, an administrator who rotates secrets every few
// days, a managed identity's certificate renewed by the platform, and then the additions detection A3
// is about: another administrator who never managed credentials, a service principal adding a
// credential to another, Application.ReadWrite.All granted then a secret added, a first credential
// on a vendor's app (plain, and after consent), a dormant app given a secret, and an app provisioned
// with its first secret (normal) next to an app registration whose service principal is unknown.

const model = createTenantModel({ seed: 7, principals: 8, managedIdentities: 2 });
const [ALICE, BOB, CAROL] = model.admins as [
  (typeof model.admins)[0],
  (typeof model.admins)[0],
  (typeof model.admins)[0],
];
const P = model.principals;
// Roles by what each workload is, so the story holds whatever the model draws: apps of this tenant
// whose registration holds a secret or certificate, another own workload to act as an automation,
// and two vendors' multi-tenant apps (no credentials in this tenant).
const keyed = P.filter(
  (p) => !p.multiTenant && p.credentials.some((c) => c.owner === 'application' && c.type !== 'federated'),
);
const vendors = P.filter((p) => p.multiTenant);
const automation = P.find((p) => !p.multiTenant && !keyed.includes(p));
assert.ok(
  keyed.length >= 5 && vendors.length >= 2 && automation,
  'the model has the workloads the story needs',
);
const [ROTATED_A, ROTATED_B, GRANTED, DORMANT, ROTATED_C] = keyed as [
  WorkloadPrincipal,
  WorkloadPrincipal,
  WorkloadPrincipal,
  WorkloadPrincipal,
  WorkloadPrincipal,
];
const [VENDOR_A, VENDOR_B] = vendors as [WorkloadPrincipal, WorkloadPrincipal];
const DAYS = 105;
const START = Date.UTC(2026, 5, 1);
const dayAt = (day: number, hour = 0, minute = 0) =>
  new Date(START + day * 86_400_000 + (hour * 60 + minute) * 60_000);

const dir = mkdtempSync(join(tmpdir(), 'vigil-credential-addition-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rnd = createRandom(2026);
const records = new Map<number, Record<string, unknown>[]>();
const add = (day: number, record: Record<string, unknown>) => {
  const list = records.get(day) ?? [];
  list.push(record);
  records.set(day, list);
};

interface Key {
  keyId: string;
  keyType: 'Password' | 'AsymmetricX509Cert';
  name: string;
}
const describeKey = (k: Key) =>
  `[KeyIdentifier=${k.keyId},KeyType=${k.keyType},KeyUsage=Verify,DisplayName=${k.name}]`;

/** The keys each object holds, so every event lists what was there before, as Entra does. */
const keysOf = new Map<string, Key[]>();
for (const p of P) {
  for (const c of p.credentials) {
    if (c.type === 'federated') continue;
    const owner = c.owner === 'application' ? p.applicationObjectId! : p.objectId;
    const list = keysOf.get(owner) ?? [];
    list.push({
      keyId: c.keyId,
      keyType: c.type === 'certificate' ? 'AsymmetricX509Cert' : 'Password',
      name: c.displayName,
    });
    keysOf.set(owner, list);
  }
}

type Initiator = Record<string, unknown>;
const user = (a: typeof ALICE): Initiator => ({
  user: {
    id: a.id,
    displayName: null,
    userPrincipalName: a.userPrincipalName,
    ipAddress: a.ipAddress,
    roles: [],
  },
});
const app = (p: WorkloadPrincipal): Initiator => ({
  app: {
    appId: p.appId,
    displayName: p.displayName,
    servicePrincipalId: p.objectId,
    servicePrincipalName: null,
  },
});

/** An audit export record of `activity`, written over a simulated one so the envelope is Entra's. */
function auditRecord(
  at: Date,
  activity: string,
  operationType: string,
  initiatedBy: Initiator,
  targets: Record<string, unknown>[],
  appId: string,
): Record<string, unknown> {
  const record = makeAuditRecord(model, rnd, at, {
    scenario: 'applicationCredentialAdded',
    principalIndex: 2,
  });
  const props = record.properties as Record<string, unknown>;
  record.operationName = activity;
  props.activityDisplayName = activity;
  props.operationType = operationType;
  props.initiatedBy = initiatedBy;
  props.targetResources = targets.map((t) => ({ ...t, administrativeUnits: [] }));
  props.additionalDetails = [
    {
      key: 'User-Agent',
      value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0.0.0',
    },
    { key: 'AppId', value: appId },
  ];
  return record;
}

/** A new secret (or certificate) added to an app registration or service principal. */
function addCredential(
  day: number,
  at: Date,
  initiatedBy: Initiator,
  target: { id: string; displayName: string; type: 'Application' | 'ServicePrincipal'; appId: string },
  keyType: Key['keyType'] = 'Password',
): Key {
  const before = keysOf.get(target.id) ?? [];
  const key: Key = {
    keyId: rnd.guid(),
    keyType,
    name: `${target.displayName}-${at.toISOString().slice(0, 10)}`,
  };
  keysOf.set(target.id, [...before, key]);
  const modifiedProperties: Record<string, unknown>[] = [
    {
      displayName: 'KeyDescription',
      oldValue: JSON.stringify(before.map(describeKey)),
      newValue: JSON.stringify([...before, key].map(describeKey)),
    },
    { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
  ];
  if (target.type === 'ServicePrincipal') {
    modifiedProperties.push({
      displayName: 'TargetId.ServicePrincipalNames',
      oldValue: null,
      newValue: JSON.stringify(target.appId),
    });
  }
  const activity =
    target.type === 'Application'
      ? 'Update application \u2013 Certificates and secrets management '
      : 'Add service principal credentials';
  add(
    day,
    auditRecord(
      at,
      activity,
      'Update',
      initiatedBy,
      [{ id: target.id, displayName: target.displayName, type: target.type, modifiedProperties }],
      target.appId,
    ),
  );
  return key;
}

const appOf = (p: WorkloadPrincipal) => ({
  id: p.applicationObjectId!,
  displayName: p.displayName,
  type: 'Application' as const,
  appId: p.appId,
});
const spOf = (p: WorkloadPrincipal) => ({
  id: p.objectId,
  displayName: p.displayName,
  type: 'ServicePrincipal' as const,
  appId: p.appId,
});

// Daily sign-ins of every workload (the dormant one stops after day 4) and of one managed identity.
for (let day = 0; day < DAYS; day++) {
  P.forEach((p, i) => {
    if (p === DORMANT && day > 4) return;
    add(day, makeSignInRecord(model, rnd, dayAt(day, 1 + i, 7), { principalIndex: i }));
  });
  add(day, makeSignInRecord(model, rnd, dayAt(day, 12, 30), { principalIndex: 0, managedIdentity: true }));
}

// Alice rotates secrets every six days on three apps: routine.
const routine: string[] = [];
for (let day = 1, n = 0; day < DAYS; day += 6, n++) {
  const p = [ROTATED_A, ROTATED_B, ROTATED_C][n % 3]!;
  routine.push(
    addCredential(
      day,
      dayAt(day, 14, 5),
      user(ALICE),
      appOf(p),
      p === ROTATED_A ? 'AsymmetricX509Cert' : 'Password',
    ).keyId,
  );
}

// The platform renews a managed identity's certificate.
add(
  45,
  makeAuditRecord(model, rnd, dayAt(45, 3, 12), {
    scenario: 'managedIdentityCertificateRotation',
    principalIndex: 0,
  }),
);

// Bob, who never touched a credential, adds secrets to two apps within half an hour.
const bobFirst = addCredential(60, dayAt(60, 22, 41), user(BOB), appOf(ROTATED_B));
const bobSecond = addCredential(60, dayAt(60, 23, 11), user(BOB), appOf(ROTATED_C));

// The ledger-sync workload's service principal adds a certificate to the monitoring connector's app.
const bySp = addCredential(70, dayAt(70, 2, 17), app(automation), appOf(ROTATED_A), 'AsymmetricX509Cert');

// Application.ReadWrite.All granted to the payments function, a secret added the next day, another later.
const grant = makeAuditRecord(model, rnd, dayAt(80, 16, 2), {
  scenario: 'appRoleAssignment',
  principalIndex: P.indexOf(GRANTED),
  adminIndex: 0,
});
for (const t of (
  grant.properties as {
    targetResources: { modifiedProperties: { displayName: string; newValue: string }[] }[];
  }
).targetResources) {
  for (const mp of t.modifiedProperties) {
    if (mp.displayName === 'AppRole.Value') mp.newValue = JSON.stringify('Application.ReadWrite.All');
    if (mp.displayName === 'AppRole.Id') mp.newValue = JSON.stringify('1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9');
    if (mp.displayName === 'AppRole.DisplayName')
      mp.newValue = JSON.stringify('Read and write all applications');
  }
}
add(80, grant);
const afterGrant = addCredential(81, dayAt(81, 9, 40), user(ALICE), appOf(GRANTED));
const privilegedRotation = addCredential(95, dayAt(95, 10, 0), user(ALICE), appOf(GRANTED));

// A first credential on the service principal of a vendor's multi-tenant app.
const vendorFirst = addCredential(85, dayAt(85, 11, 20), user(ALICE), spOf(VENDOR_A));

// Consent to another vendor app, then its first credential the next morning.
add(
  90,
  makeAuditRecord(model, rnd, dayAt(90, 17, 45), {
    scenario: 'consent',
    principalIndex: P.indexOf(VENDOR_B),
    adminIndex: 0,
  }),
);
const afterConsent = addCredential(91, dayAt(91, 8, 3), user(ALICE), spOf(VENDOR_B));

// The dormant app gets a new secret.
const dormant = addCredential(100, dayAt(100, 13, 30), user(ALICE), appOf(DORMANT));

// Carol provisions a new service principal and its first secret; and registers an app whose
// service principal Vigil has not seen (the addition cannot be placed: skipped, not a crash).
const newSp = {
  id: rnd.guid(),
  displayName: 'woodgrove-invoice-export',
  type: 'ServicePrincipal' as const,
  appId: rnd.guid(),
};
add(
  88,
  auditRecord(
    dayAt(88, 10, 0),
    'Add service principal',
    'Add',
    user(CAROL),
    [{ id: newSp.id, displayName: newSp.displayName, type: 'ServicePrincipal', modifiedProperties: [] }],
    newSp.appId,
  ),
);
const provisioned = addCredential(88, dayAt(88, 10, 6), user(CAROL), newSp);
const newApp = {
  id: rnd.guid(),
  displayName: 'woodgrove-invoice-ui',
  type: 'Application' as const,
  appId: rnd.guid(),
};
add(
  88,
  auditRecord(
    dayAt(88, 10, 20),
    'Add application',
    'Add',
    user(CAROL),
    [{ id: newApp.id, displayName: newApp.displayName, type: 'Application', modifiedProperties: [] }],
    newApp.appId,
  ),
);
addCredential(88, dayAt(88, 10, 24), user(CAROL), newApp);

const files = new Map<number, string>();
for (const [day, list] of records) {
  const path = join(dir, `day-${String(day).padStart(3, '0')}.json`);
  writeFileSync(path, `${list.map((r) => JSON.stringify(r)).join('\n')}\n`);
  files.set(day, path);
}

const config = {
  defaultTenantId: model.tenantId,
  ingestBatchSize: 10_000,
  maxRecordBytes: 256 * 1024,
  bodyLimitBytes: 64 * 1024 * 1024,
  ingestWorkers: false,
};

async function lastBatch(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'ingest_batch')
    .executeTakeFirst();
  return r ? Number(r.value) : 0;
}

/** The findings of runs, in a comparable form. */
function findings(runs: CredentialAdditionRun[]) {
  const candidates = runs
    .flatMap((r) => [...r.byPrincipal.values()].flat())
    .map((c) => {
      const info = new Map(c.additionalInfo.map((e) => [e.Key, e.Value]));
      return {
        key: c.dedupeKey,
        level: c.riskLevel,
        at: c.activityDateTime,
        reasons: info.get('reasons'),
        actorCredentialChanges: info.get('actorCredentialChanges'),
        info: JSON.stringify(c.additionalInfo),
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const verdicts = runs
    .flatMap((r) => [...r.additions.values()].flat())
    .map((a) => `${a.keyId}|${a.principalId}|${a.routine}|${a.reasons.join(',')}|${a.riskLevel}`)
    .sort();
  return { candidates, verdicts, skipped: runs.reduce((n, r) => n + r.skipped, 0) };
}

const sortedDays = [...files.keys()].sort((a, b) => a - b);

for (const dialect of dialects) {
  describe(`credential additions over a tenant's history on ${dialect}`, () => {
    test('unusual additions fire with their reasons, routine ones do not, however the log was imported', async () => {
      const bulk = await createTestStore(dialect);
      const daily = await createTestStore(dialect);
      try {
        await importFiles(
          sortedDays.map((d) => files.get(d)!),
          { store: bulk.store, config, enrich: false },
        );
        const run = await detectCredentialAdditions(
          bulk.store,
          { fromBatch: 0, toBatch: await lastBatch(bulk.store) },
          '2026-09-15T00:00:00.000Z',
        );
        const found = findings([run]);
        const byKey = new Map(found.candidates.map((c) => [c.key.split('|')[3], c]));
        const principalOf = (keyId: string) =>
          found.candidates.find((c) => c.key.endsWith(`|${keyId}`))?.key.split('|')[1];

        assert.deepEqual(byKey.get(bobFirst.keyId)?.reasons, ['unusualActor']);
        assert.equal(byKey.get(bobFirst.keyId)?.level, 'medium');
        assert.equal(byKey.get(bobFirst.keyId)?.actorCredentialChanges, 0);
        assert.equal(
          principalOf(bobFirst.keyId),
          ROTATED_B.objectId,
          'an app registration addition lands on its service principal',
        );
        // Bob's second secret half an hour later: his own burst is no precedent.
        assert.deepEqual(byKey.get(bobSecond.keyId)?.reasons, ['unusualActor']);

        assert.deepEqual(byKey.get(bySp.keyId)?.reasons, ['unusualActor', 'servicePrincipalActor']);
        assert.equal(byKey.get(bySp.keyId)?.level, 'medium');

        assert.deepEqual(byKey.get(afterGrant.keyId)?.reasons, ['privilegedObject', 'afterConsent']);
        assert.equal(byKey.get(afterGrant.keyId)?.level, 'medium');
        assert.match(String(byKey.get(afterGrant.keyId)?.info), /Application\.ReadWrite\.All/);
        assert.deepEqual(byKey.get(privilegedRotation.keyId)?.reasons, ['privilegedObject']);
        assert.equal(byKey.get(privilegedRotation.keyId)?.level, 'low');

        assert.deepEqual(byKey.get(vendorFirst.keyId)?.reasons, ['firstCredential']);
        assert.equal(byKey.get(vendorFirst.keyId)?.level, 'medium');
        assert.deepEqual(byKey.get(afterConsent.keyId)?.reasons, ['firstCredential', 'afterConsent']);

        assert.deepEqual(byKey.get(dormant.keyId)?.reasons, ['dormantObject']);
        assert.equal(byKey.get(dormant.keyId)?.level, 'low');

        // Nothing else fired: not Alice's rotations, not the platform, not Carol's provisioning.
        assert.equal(
          found.candidates.length,
          8,
          JSON.stringify(found.candidates.map((c) => [c.key, c.reasons])),
        );
        for (const keyId of [...routine, provisioned.keyId]) assert.ok(!byKey.has(keyId), keyId);
        const mi = model.managedIdentities[0]!;
        const miAdditions = run.additions.get(`${model.tenantId}|${mi.objectId}`) ?? [];
        assert.equal(miAdditions.length, 1);
        assert.equal(miAdditions[0]?.routine, true);
        assert.equal(miAdditions[0]?.actorName, 'Managed Service Identity');
        const alices = [...run.additions.values()].flat().filter((a) => routine.includes(a.keyId));
        assert.equal(alices.length, routine.length);
        assert.ok(alices.every((a) => a.routine && a.riskLevel === 'none'));
        assert.equal(found.skipped, 1, 'the app registration whose service principal is unknown');

        // The same, day by day.
        const runs: CredentialAdditionRun[] = [];
        let from = 0;
        for (const day of sortedDays) {
          await importFiles([files.get(day)!], { store: daily.store, config, enrich: false });
          const to = await lastBatch(daily.store);
          runs.push(
            await detectCredentialAdditions(
              daily.store,
              { fromBatch: from, toBatch: to },
              dayAt(day + 1).toISOString(),
            ),
          );
          from = to;
        }
        assert.deepEqual(findings(runs), found);

        // Change awareness reads these verdicts (the run stores them), and the privilege rule the same history.
        const additionsOf = (principalId: string) =>
          [...(run.additions.get(`${model.tenantId}|${principalId}`) ?? [])].sort((a, b) =>
            a.at < b.at ? -1 : a.at > b.at ? 1 : 0,
          );
        const p4 = additionsOf(GRANTED.objectId);
        assert.deepEqual(
          p4.map((a) => [a.keyId, a.routine, a.reasons, a.actorName, a.at.slice(0, 10)]),
          [
            [
              afterGrant.keyId,
              false,
              ['privilegedObject', 'afterConsent'],
              ALICE.userPrincipalName,
              '2026-08-21',
            ],
            [privilegedRotation.keyId, false, ['privilegedObject'], ALICE.userPrincipalName, '2026-09-04'],
          ],
        );
        const p2 = additionsOf(ROTATED_B.objectId);
        assert.ok(p2.some((a) => a.keyId === bobFirst.keyId && !a.routine));
        assert.ok(p2.filter((a) => a.keyId !== bobFirst.keyId).every((a) => a.routine));
        assert.deepEqual(
          await privilegeOf(bulk.store, model.tenantId, GRANTED.objectId, dayAt(80).toISOString()),
          {
            privileged: false,
            permissions: [],
            roles: [],
          },
        );
        assert.deepEqual(
          await privilegeOf(bulk.store, model.tenantId, GRANTED.objectId, dayAt(81).toISOString()),
          {
            privileged: true,
            permissions: ['Application.ReadWrite.All'],
            roles: [],
          },
        );
      } finally {
        await bulk.cleanup();
        await daily.cleanup();
      }
    });
  });
}
