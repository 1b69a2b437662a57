import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselineFromRows, baselineToRows } from './baseline-rows.ts';
import { compareSignIn, createSignInBaseline, learnSignIn, type SignInBaseline } from './sign-in-baseline.ts';
import { extractSignInFeatures } from './sign-in-features.ts';
import {
  GRAPH_RESOURCE,
  KEY_VAULT_RESOURCE,
  STORAGE_RESOURCE,
  workloadSignIn,
} from './workload-sign-in.fixture.ts';

function learnedBaseline(): SignInBaseline {
  const baseline = createSignInBaseline({ profileSize: 3 });
  for (let i = 0; i < 200; i++) {
    const s = workloadSignIn({
      createdAt: new Date(Date.parse('2025-03-03T00:00:00.000Z') + i * 1_800_000).toISOString(),
      ipAddress: `20.73.${140 + (i % 7)}.${i % 50}`,
      resourceId: i % 9 === 0 ? KEY_VAULT_RESOURCE : i % 13 === 0 ? STORAGE_RESOURCE : GRAPH_RESOURCE,
      userAgent: i % 2 === 0 ? 'azsdk-python-identity/1.15.0 Python/3.11.4' : 'azsdk-python-identity/1.16.0',
    });
    learnSignIn(baseline, extractSignInFeatures(s), s.createdAt);
  }
  return baseline;
}

test('a baseline is stored as one row per property and value, in baseline form', () => {
  const baseline = createSignInBaseline();
  const s = workloadSignIn();
  learnSignIn(baseline, extractSignInFeatures(s), s.createdAt);
  const row = (property: string) => baselineToRows(baseline).find((r) => r.property === property);
  assert.deepEqual(row('asn'), {
    property: 'asn',
    value: '8075',
    firstSeen: s.createdAt,
    lastSeen: s.createdAt,
    count: 1,
  });
  assert.equal(row('hosting')?.value, 'true');
  assert.equal(row('ipPrefix')?.value, '20.73.147.0/24');
  assert.equal(row('userAgent')?.value, 'azsdk-python-identity/1');
  assert.equal(baselineToRows(baseline).length, 11);
});

test('rows and totals round-trip to a baseline that compares and explains the same', () => {
  const original = learnedBaseline();
  const rows = baselineToRows(original);
  const loaded = baselineFromRows(rows, original, { profileSize: 3 });

  assert.deepEqual(baselineToRows(loaded), rows);
  assert.equal(loaded.firstSignInAt, original.firstSignInAt);
  assert.equal(loaded.lastSignInAt, original.lastSignInAt);
  assert.equal(loaded.successfulSignIns, 200);
  for (const probe of [
    workloadSignIn({ ipAddress: '146.190.54.201', asn: 14061, asOrg: 'DigitalOcean, LLC', country: 'DE' }),
    workloadSignIn({ ipAddress: '20.73.141.222', resourceId: '9e4b1c7a-3d52-4f86-a0e9-6b2c8d1f4a37' }),
    workloadSignIn({ ipAddress: '20.73.99.1', credentialType: 'clientSecret', userAgent: 'curl/8.4.0' }),
  ]) {
    const features = extractSignInFeatures(probe);
    assert.deepEqual(compareSignIn(loaded, features), compareSignIn(original, features));
  }
  for (const property of ['ip', 'ipPrefix', 'resource'] as const) {
    assert.deepEqual(
      loaded.properties[property].top.map((v) => [v.value, v.count]),
      original.properties[property].top.map((v) => [v.value, v.count]),
      property,
    );
  }
});

test('a loaded baseline keeps learning where the stored one left off', () => {
  const original = learnedBaseline();
  const loaded = baselineFromRows(baselineToRows(original), original, { profileSize: 3 });
  const s = workloadSignIn({ createdAt: '2025-03-08T00:00:00.000Z', ipAddress: '20.73.146.7' });
  learnSignIn(original, extractSignInFeatures(s), s.createdAt);
  learnSignIn(loaded, extractSignInFeatures(s), s.createdAt);
  assert.deepEqual(baselineToRows(loaded), baselineToRows(original));
  assert.equal(loaded.lastSignInAt, '2025-03-08T00:00:00.000Z');
});

test('rows of a property this version does not know are skipped', () => {
  const loaded = baselineFromRows(
    [
      {
        property: 'country',
        value: 'NL',
        firstSeen: '2025-03-03T00:00:00.000Z',
        lastSeen: '2025-03-05T00:00:00.000Z',
        count: 4,
      },
      {
        property: 'tlsFingerprint',
        value: 't13d1516h2',
        firstSeen: '2025-03-03T00:00:00.000Z',
        lastSeen: '2025-03-05T00:00:00.000Z',
        count: 4,
      },
    ],
    {
      firstSignInAt: '2025-03-03T00:00:00.000Z',
      lastSignInAt: '2025-03-05T00:00:00.000Z',
      successfulSignIns: 4,
    },
  );
  assert.deepEqual(
    baselineToRows(loaded).map((r) => r.property),
    ['country'],
  );
});
