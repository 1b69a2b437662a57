import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assessAddition,
  assessCredentialAddition,
  credentialAdditionLevel,
  unusualCredentialAdditionDetection as detection,
} from './index.ts';
import {
  addition,
  BILLING_SP,
  context,
  grant,
  MALLORY,
  negativeFixtures,
  positiveFixtures,
  TENANT,
} from './unusual-credential-addition.fixture.ts';

const evaluate = (inputs: Parameters<typeof detection.evaluate>[0]) =>
  detection.evaluate(inputs, detection.defaultParameters);

function info(d: { additionalInfo: { Key: string; Value: unknown }[] } | undefined) {
  return new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
}

for (const f of positiveFixtures) {
  test(`fires: ${f.name}`, () => {
    const found = evaluate([{ addition: f.addition, context: f.context }]);
    assert.equal(found.length, 1);
    const [d] = found;
    assert.equal(d?.riskLevel, f.expected?.level);
    assert.deepEqual(info(d).get('reasons'), f.expected?.reasons);
    assert.deepEqual(assessCredentialAddition(f.addition, f.context), {
      routine: false,
      reasons: f.expected?.reasons,
    });
  });
}

for (const f of negativeFixtures) {
  test(`does not fire: ${f.name}`, () => {
    assert.deepEqual(evaluate([{ addition: f.addition, context: f.context }]), []);
    assert.deepEqual(assessCredentialAddition(f.addition, f.context), { routine: true, reasons: [] });
    assert.equal(assessAddition(f.addition, f.context).riskLevel, 'none');
  });
}

test('the detection names the credential, the actor, its history, the prior credentials and the audit event', () => {
  const a = addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName });
  const [d] = evaluate([{ addition: a, context: context({ actorCredentialChanges: 0 }) }]);
  assert.equal(d?.dedupeKey, `${TENANT}|${BILLING_SP}|unusualCredentialAddition|${a.keyId}`);
  assert.equal(d?.riskEventType, 'unusualCredentialAddition');
  assert.equal(d?.activity, 'servicePrincipal');
  assert.equal(d?.activityDateTime, a.at);
  assert.equal(d?.ipAddress, MALLORY.ipAddress);
  assert.deepEqual(d?.keyIds, [a.keyId]);
  assert.equal(d?.requestId, null);
  const i = info(d);
  assert.match(
    String(i.get('reason')),
    /^Client secret 9d9fea30-\S+ was added to app registration contoso-billing-sync by mallory\.dev@contoso\.onmicrosoft\.com: mallory\.dev@contoso\.onmicrosoft\.com added or removed no credential on any object in the 90 days before\.$/,
  );
  assert.equal(i.get('actorCredentialChanges'), 0);
  assert.deepEqual(i.get('credentialsBefore'), {
    object: 2,
    pair: 0,
    lastCredentialSignInAt: '2026-09-14T09:12:40.118Z',
  });
  assert.equal(i.get('auditId'), a.auditId);
  assert.equal((i.get('actor') as { name: string }).name, 'mallory.dev@contoso.onmicrosoft.com');
  assert.equal((i.get('actorHistory') as { trusted: boolean }).trusted, true);
});

test('grants and privilege are shown as evidence', () => {
  const [d] = evaluate([
    {
      addition: addition(),
      context: context({
        privilege: { privileged: true, permissions: ['Application.ReadWrite.All'], roles: [] },
        grants: [
          grant('2026-09-13T11:02:51.000Z', 'Application.ReadWrite.All'),
          grant('2026-09-01T11:02:51.000Z', 'User.Read.All'),
        ],
      }),
    },
  ]);
  const i = info(d);
  assert.match(String(i.get('reason')), /the principal holds Application\.ReadWrite\.All/);
  assert.match(
    String(i.get('reason')),
    /it follows an application permission grant \(Application\.ReadWrite\.All\) at 2026-09-13T11:02:51\.000Z by alice\.admin/,
  );
  assert.deepEqual(
    (i.get('grantsBefore') as { value: string }[]).map((g) => g.value),
    ['Application.ReadWrite.All'],
    'only grants inside the window',
  );
  assert.deepEqual(i.get('privilege'), { permissions: ['Application.ReadWrite.All'], roles: [] });
});

test('one detection per credential, at its first addition, whatever the input order', () => {
  const unusual = context({ actorCredentialChanges: 0 });
  const first = addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName });
  const again = { ...first, at: '2026-09-14T10:00:00.000Z', auditId: 'Directory_later_X_1' };
  const found = evaluate([
    { addition: again, context: unusual },
    { addition: first, context: unusual },
  ]);
  assert.equal(found.length, 1);
  assert.equal(found[0]?.activityDateTime, first.at);
  const other = addition({ keyId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b', actor: MALLORY });
  assert.equal(
    evaluate([
      { addition: first, context: unusual },
      { addition: other, context: unusual },
    ]).length,
    2,
  );
});

test('the risk table: points add up, privilege raises one level and never above high', () => {
  assert.equal(credentialAdditionLevel([]), 'none');
  assert.equal(credentialAdditionLevel(['privilegedObject']), 'low');
  assert.equal(credentialAdditionLevel(['afterConsent']), 'low');
  assert.equal(credentialAdditionLevel(['dormantObject', 'afterConsent']), 'medium');
  assert.equal(credentialAdditionLevel(['unusualActor']), 'medium');
  assert.equal(credentialAdditionLevel(['firstCredential', 'unusualActor']), 'medium');
  assert.equal(credentialAdditionLevel(['unusualActor', 'servicePrincipalActor', 'dormantObject']), 'high');
  assert.equal(credentialAdditionLevel(['unusualActor', 'privilegedObject']), 'high');
  assert.equal(
    credentialAdditionLevel(['firstCredential', 'unusualActor', 'servicePrincipalActor', 'privilegedObject']),
    'high',
  );
});
