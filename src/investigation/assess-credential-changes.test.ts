import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssessedAddition, DetectionRecord } from '../domain/index.ts';
import { assessCredentialChanges, type CredentialChangeRecord } from './assess-credential-changes.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const APP_OBJECT = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const SP = 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17';
const KEY = '2b05ac71-fb31-4c0a-83c0-987885e64cb4';
const AUDIT = 'Directory_5e2a8c7f-1b4d-4a93-9e06-c7f3b1d8a245_8KJ3W_10482957';
const alice = {
  kind: 'user' as const,
  name: 'alice.wong@contoso.com',
  id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
};
const intruder = {
  kind: 'app' as const,
  name: 'legacy-automation',
  id: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84',
};

function change(fields: Partial<CredentialChangeRecord>): CredentialChangeRecord {
  return {
    tenantId: TENANT,
    ownerId: APP_OBJECT,
    ownerType: 'application',
    ownerDisplayName: 'contoso-billing-sync',
    change: 'added',
    keyId: KEY,
    type: 'password',
    keyType: 'Password',
    usage: 'Verify',
    displayName: 'billing-sync-2026',
    at: '2026-11-17T08:14:26.000Z',
    by: alice.name,
    auditId: AUDIT,
    actor: alice,
    ...fields,
  };
}

function assessed(routine: boolean, reasons: AssessedAddition['reasons']): AssessedAddition {
  return {
    tenantId: TENANT,
    objectId: APP_OBJECT,
    objectType: 'application',
    objectDisplayName: 'contoso-billing-sync',
    principalId: SP,
    appId: 'b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64',
    keyId: KEY,
    credentialType: 'password',
    keyType: 'Password',
    keyDisplayName: 'billing-sync-2026',
    at: '2026-11-17T08:14:26.000Z',
    actor: {
      kind: 'user',
      id: alice.id,
      displayName: null,
      userPrincipalName: alice.name,
      appId: null,
      servicePrincipalId: null,
      ipAddress: null,
    },
    actorName: alice.name,
    auditId: AUDIT,
    activity: 'Update application – Certificates and secrets management ',
    routine,
    reasons,
    riskLevel: routine ? 'none' : 'medium',
  };
}

const usedFromNewNetwork: DetectionRecord = {
  id: 'e1f2',
  riskEventType: 'unusualCredentialAddition',
  riskLevel: 'high',
  riskState: 'atRisk',
  activity: 'signin',
  activityDateTime: '2026-11-17T11:40:02.000Z',
  ipAddress: '45.137.21.9',
  keyIds: [KEY],
  additionalInfo: JSON.stringify([
    { Key: 'addition', Value: { keyId: KEY, auditId: AUDIT, routine: false, reasons: ['unusualActor'] } },
    { Key: 'contributingSignInIds', Value: ['u-1', 'u-2'] },
  ]),
};

test('a routine rotation is listed with its actor, nothing found', () => {
  const answer = assessCredentialChanges(
    [
      change({}),
      change({
        change: 'removed',
        keyId: 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
        auditId: `${AUDIT}x`,
        at: '2026-11-21T09:03:51.000Z',
      }),
    ],
    [assessed(true, [])],
    [],
    new Map([[`${AUDIT}x`, 4]]),
  );
  assert.equal(answer.verdict, 'nothingFound');
  assert.deepEqual(
    answer.evidence.map((e) => [e.kind, e.routine, e.actor?.name]),
    [
      ['credentialAdded', true, 'alice.wong@contoso.com'],
      ['credentialRemoved', null, 'alice.wong@contoso.com'],
    ],
  );
  assert.match(answer.summary, /1 credential added, 1 removed; every change was routine/);
});

test('an addition judged not routine is suspicious with its reasons; used from a new network, confirmed', () => {
  const suspicious = assessCredentialChanges(
    [change({})],
    [assessed(false, ['unusualActor'])],
    [],
    new Map(),
  );
  assert.equal(suspicious.verdict, 'suspicious');
  assert.deepEqual(suspicious.evidence[0]?.reasons, ['unusualActor']);
  assert.match(suspicious.evidence[0]!.description, /not routine: unusualActor/);

  const confirmed = assessCredentialChanges(
    [change({})],
    [assessed(false, ['unusualActor'])],
    [usedFromNewNetwork],
    new Map(),
  );
  assert.equal(confirmed.verdict, 'confirmed');
  assert.deepEqual(confirmed.evidence[0]?.signInIds, ['u-1', 'u-2']);
  assert.equal(confirmed.evidence[0]?.detectionId, 'e1f2');
  // A routine-looking addition whose credential then signs in from a new network is suspicious.
  const routineUsed = assessCredentialChanges(
    [change({})],
    [assessed(true, [])],
    [usedFromNewNetwork],
    new Map(),
  );
  assert.equal(routineUsed.verdict, 'suspicious');
  assert.deepEqual(routineUsed.evidence[0]?.reasons, ['usedFromNewNetwork']);
  assert.match(routineUsed.summary, /added by alice\.wong@contoso\.com was then used from a new network/);
});

test('a removal by a service principal or an actor new to credentials is suspicious; federated ones are not here', () => {
  const answer = assessCredentialChanges(
    [
      change({ change: 'removed', actor: intruder, auditId: 'Directory_r1' }),
      change({ change: 'removed', keyId: 'k2', auditId: 'Directory_r2' }),
      change({ change: 'added', type: 'federated', keyId: 'fic', auditId: 'Directory_r3' }),
    ],
    [],
    [],
    new Map([
      ['Directory_r1', 5],
      ['Directory_r2', 0],
    ]),
  );
  assert.equal(answer.verdict, 'suspicious');
  assert.deepEqual(
    answer.evidence.map((e) => [e.auditId, e.reasons]),
    [
      ['Directory_r1', ['servicePrincipalActor']],
      ['Directory_r2', ['unusualActor']],
    ],
  );
});
