import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CredentialNow,
  credentialsToRemove,
  evaluatePlan,
  newPlanRecord,
  type PlanFacts,
} from './remediation-plan.ts';

// The billing workload: an old secret, a certificate, a secret an attacker added the day before the
// first detection, and one the administrator removed long ago.
const SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const APP = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const DETECTED = '2026-10-10T09:00:00.000Z';
const STARTED = '2026-10-11T08:00:00.000Z';

function credential(keyId: string, overrides: Partial<CredentialNow> = {}): CredentialNow {
  return {
    objectType: 'application',
    objectId: APP,
    keyId,
    type: 'password',
    displayName: null,
    hint: 'abc',
    thumbprint: null,
    addedAt: '2025-01-01T00:00:00.000Z',
    startDateTime: '2025-01-01T00:00:00.000Z',
    addedBy: 'alex@contoso.com',
    removedAt: null,
    removedBy: null,
    addedThroughVigil: false,
    ...overrides,
  };
}

const held = [
  credential('11111111-1111-4111-8111-111111111111'),
  credential('22222222-2222-4222-8222-222222222222', {
    type: 'certificate',
    thumbprint: 'AB',
    objectType: 'servicePrincipal',
    objectId: SP,
  }),
  credential('33333333-3333-4333-8333-333333333333', {
    addedAt: '2026-10-09T23:10:00.000Z',
    addedBy: 'attacker@contoso.com',
  }),
  credential('44444444-4444-4444-8444-444444444444', { removedAt: '2025-06-01T00:00:00.000Z' }),
];

const facts = (overrides: Partial<PlanFacts> = {}): PlanFacts => ({
  now: STARTED,
  credentials: held,
  accountEnabled: true,
  usedAfterRemoval: [],
  keyVaultSignIns: { signIns: 0, lastSignInDateTime: null },
  ...overrides,
});

test('the plan removes every credential held at the first detection, the attacker’s included, not long-removed ones', () => {
  const planned = credentialsToRemove(held, DETECTED, STARTED);
  assert.deepEqual(
    planned.map((c) => [c.keyId.slice(0, 8), c.presentAtFirstDetection]),
    [
      ['11111111', true],
      ['22222222', true],
      ['33333333', true],
    ],
  );
});

test('credentials added after the detection are removed too, unless an administrator added them through Vigil', () => {
  const later = [
    ...held,
    credential('55555555-5555-4555-8555-555555555555', { addedAt: '2026-10-10T20:00:00.000Z' }),
    credential('66666666-6666-4666-8666-666666666666', {
      addedAt: '2026-10-10T21:00:00.000Z',
      addedThroughVigil: true,
    }),
  ];
  const planned = credentialsToRemove(later, DETECTED, STARTED).map((c) => c.keyId.slice(0, 8));
  assert.ok(planned.includes('55555555'));
  assert.ok(!planned.includes('66666666'));
});

test('a fresh plan has every required step pending and is not complete', () => {
  const record = newPlanRecord(held, DETECTED, STARTED);
  const { steps, complete } = evaluatePlan(STARTED, record, facts());
  assert.equal(complete, false);
  assert.deepEqual(
    steps.map((s) => [s.name, s.state]),
    [
      ['reviewInventory', 'pending'],
      ['addCredential', 'pending'],
      ['removeOldCredentials', 'pending'],
      ['rotateKeyVaultSecrets', 'notNeeded'],
      ['disable', 'pending'],
    ],
  );
  assert.match(steps[2]!.detail, /3 of 3 to remove/);
});

test('reviewed, a certificate added and every old credential removed: complete, disabling optional', () => {
  const record = newPlanRecord(held, DETECTED, STARTED);
  record.review = { at: STARTED, by: 'soc-admin', note: null };
  const removed = held.map((c) =>
    c.removedAt ? c : { ...c, removedAt: '2026-10-11T09:00:00.000Z', removedBy: 'soc-admin' },
  );
  const now = [
    ...removed,
    credential('77777777-7777-4777-8777-777777777777', {
      type: 'certificate',
      addedAt: '2026-10-11T08:30:00.000Z',
      addedThroughVigil: true,
      addedBy: 'soc-admin',
    }),
  ];
  const { steps, complete } = evaluatePlan(STARTED, record, facts({ credentials: now }));
  assert.equal(complete, true);
  assert.equal(steps[1]!.state, 'done');
  assert.match(steps[1]!.detail, /certificate was added/);
  assert.equal(steps[2]!.state, 'done');
  assert.equal(steps[2]!.completedDateTime, '2026-10-11T09:00:00.000Z');
  assert.equal(steps[4]!.state, 'pending');
});

test('a removed credential used after its removal fails the step and keeps the plan open', () => {
  const record = newPlanRecord(held, DETECTED, STARTED);
  record.review = { at: STARTED, by: 'soc-admin', note: null };
  const removed = held.map((c) => ({ ...c, removedAt: c.removedAt ?? '2026-10-11T09:00:00.000Z' }));
  const now = [
    ...removed,
    credential('77777777-7777-4777-8777-777777777777', { addedAt: '2026-10-11T08:30:00.000Z' }),
  ];
  const { steps, complete } = evaluatePlan(
    STARTED,
    record,
    facts({
      credentials: now,
      usedAfterRemoval: [
        {
          keyId: '33333333-3333-4333-8333-333333333333',
          signInId: 's1',
          at: '2026-10-11T10:00:00.000Z',
          ipAddress: '185.220.101.4',
        },
      ],
    }),
  );
  assert.equal(complete, false);
  assert.equal(steps[2]!.state, 'failed');
  assert.match(steps[2]!.detail, /still works/);
  assert.match(steps[1]!.detail, /client secret was added.*certificate is preferred/);
});

test('Key Vault sign-ins make rotation a required step until rotated, marked done or skipped', () => {
  const record = newPlanRecord(held, DETECTED, STARTED);
  const vault = { signIns: 42, lastSignInDateTime: '2026-10-10T08:00:00.000Z' };
  assert.equal(evaluatePlan(STARTED, record, facts({ keyVaultSignIns: vault })).steps[3]!.state, 'pending');
  record.keyVault.rotations.push({
    vaultUrl: 'https://billing-kv.vault.azure.net',
    secretName: 'sql-password',
    versionId: 'https://billing-kv.vault.azure.net/secrets/sql-password/0f1e',
    at: STARTED,
    by: 'soc-admin',
  });
  const step = evaluatePlan(STARTED, record, facts({ keyVaultSignIns: vault })).steps[3]!;
  assert.equal(step.state, 'done');
  assert.match(step.detail, /sql-password in https:\/\/billing-kv/);
});
