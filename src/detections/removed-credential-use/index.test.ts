import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import { removedCredentialUseDetection as detection } from './index.ts';
import { negativeFixtures, positiveFixtures, removedCertificate } from './removed-credential-use.fixture.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';

const evaluate = (signIns: SignIn[]) =>
  detection.evaluate(
    { tenantId: TENANT, principalId: SP, signIns },
    { removed: [removedCertificate] },
    detection.defaultParameters,
  );

for (const f of positiveFixtures) {
  test(`raises: ${f.name}`, () => {
    const found = evaluate(f.signIns);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.riskLevel, 'high');
    assert.deepEqual(found[0]?.keyIds, [removedCertificate.keyId]);
  });
}

for (const f of negativeFixtures) {
  test(`stays quiet: ${f.name}`, () => {
    assert.deepEqual(evaluate(f.signIns), []);
  });
}

test('one detection per removed credential, explained with the removal and the sign-ins after it', () => {
  const signIns = [
    workloadSignIn({ id: 'before', createdAt: '2025-03-04T09:00:00.000Z' }),
    workloadSignIn({ id: 'after-1', createdAt: '2025-03-04T12:00:00.000Z', ipAddress: '185.220.101.4' }),
    workloadSignIn({ id: 'after-2', createdAt: '2025-03-04T13:00:00.000Z', ipAddress: '185.220.101.4' }),
  ];
  const [d, ...rest] = evaluate(signIns);
  assert.equal(rest.length, 0);
  assert.equal(d?.dedupeKey, `${TENANT}|${SP}|removedCredentialUsed|${removedCertificate.keyId}`);
  assert.equal(d?.activityDateTime, '2025-03-04T12:00:00.000Z');
  assert.equal(d?.ipAddress, '185.220.101.4');
  const info = new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
  assert.match(
    String(info.get('reason')),
    /2 times with the application's certificate .* removed 2025-03-04T10:00:00.000Z by alex\.wu@contoso\.com/,
  );
  assert.deepEqual(info.get('contributingSignInIds'), ['after-1', 'after-2']);
  assert.equal(info.get('lastSignInDateTime'), '2025-03-04T13:00:00.000Z');
});

test('a principal with nothing removed raises nothing', () => {
  const found = detection.evaluate(
    {
      tenantId: TENANT,
      principalId: SP,
      signIns: [workloadSignIn({ createdAt: '2026-01-01T00:00:00.000Z' })],
    },
    { removed: [] },
    detection.defaultParameters,
  );
  assert.deepEqual(found, []);
});
