import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSignInBaseline } from '../../baselines/sign-in-baseline.ts';
import { KEY_VAULT_RESOURCE, workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import { suspiciousSignInsDetection as detection, type RelatedChange } from './index.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';

/** Five days of the workload's normal life: hourly sign-ins from rotating Azure addresses. */
function normalDays(days: number): SignIn[] {
  const out: SignIn[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const at = new Date(Date.UTC(2025, 2, 3 + d, h, 15)).toISOString();
      out.push(
        workloadSignIn({
          id: `n-${d}-${h}`,
          createdAt: at,
          ipAddress: `20.73.147.${10 + ((d * 24 + h) % 40)}`,
          resourceId: h % 3 === 0 ? KEY_VAULT_RESOURCE : workloadSignIn().resourceId,
        }),
      );
    }
  }
  return out;
}

function run(signIns: SignIn[], baseline = createSignInBaseline()) {
  return {
    baseline,
    found: detection.evaluate(
      { tenantId: TENANT, principalId: SP, signIns },
      { baseline },
      detection.defaultParameters,
    ),
  };
}

test('normal life, rotating addresses inside its own prefix, raises nothing', () => {
  assert.deepEqual(run(normalDays(5)).found, []);
});

test('an SDK upgrade of a familiar client is not suspicious', () => {
  const upgrade = workloadSignIn({
    id: 'u1',
    createdAt: '2025-03-08T10:15:00.000Z',
    userAgent: 'azsdk-python-identity/1.16.1 Python/3.12.1 (Linux-5.15.0-1052-azure-x86_64-with-glibc2.35)',
  });
  assert.deepEqual(run([...normalDays(5), upgrade]).found, []);
});

test('the stolen certificate used from a VPS abroad is one high detection, explained against the baseline', () => {
  const attack = [0, 12, 40].map((m) =>
    workloadSignIn({
      id: `a${m}`,
      createdAt: new Date(Date.UTC(2025, 2, 8, 3, m)).toISOString(),
      ipAddress: '159.89.14.7',
      asn: 14061,
      asOrg: 'DIGITALOCEAN-ASN',
      country: 'SG',
      city: 'Singapore',
      state: null,
      hosting: true,
      hostingProvider: 'DigitalOcean',
      userAgent: 'python-requests/2.31.0',
    }),
  );
  const { found } = run([...normalDays(5), ...attack]);
  assert.equal(found.length, 1);
  const [d] = found;
  assert.equal(d?.riskLevel, 'high');
  assert.equal(d?.activityDateTime, '2025-03-08T03:00:00.000Z');
  assert.equal(d?.ipAddress, '159.89.14.7');
  const info = new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
  assert.deepEqual(info.get('contributingSignInIds'), ['a0', 'a12', 'a40']);
  const unusual = info.get('unusual') as { signal: string; baseline: { value: string; count: number }[] }[];
  const asn = unusual.find((u) => u.signal === 'newAsnOtherOwner');
  assert.ok(asn, 'the new network owner is named');
  assert.equal(asn.baseline[0]?.value, '8075');
  assert.equal(asn.baseline[0]?.count, 120, 'compared with the 120 sign-ins from Microsoft');
  assert.ok(unusual.some((u) => u.signal === 'newCountryWithNewAsn'));
  assert.match(String(info.get('reason')), /another owner/);
  assert.deepEqual(info.get('baseline'), {
    since: '2025-03-03T00:15:00.000Z',
    successfulSignIns: 120,
    learningDays: 2,
    maxAgeDays: 60,
  });
});

test('nothing is scored while learning, and failed sign-ins neither teach nor fire', () => {
  const early = [
    workloadSignIn({ id: 'e1', createdAt: '2025-03-03T01:00:00.000Z' }),
    workloadSignIn({
      id: 'e2',
      createdAt: '2025-03-04T00:30:00.000Z',
      ipAddress: '159.89.14.7',
      asn: 14061,
      country: 'SG',
    }),
  ];
  assert.deepEqual(run(early).found, [], 'a principal in its first two days is learning');
  const failed = workloadSignIn({
    id: 'f1',
    createdAt: '2025-03-08T03:00:00.000Z',
    ipAddress: '159.89.14.7',
    asn: 14061,
    country: 'SG',
    statusCode: 7000215,
  });
  const { found, baseline } = run([...normalDays(5), failed]);
  assert.deepEqual(found, []);
  assert.equal(baseline.properties.asn.values.has('14061'), false);
});

test('a month at once and the same month a day at a time give the same detections', () => {
  const attack = workloadSignIn({
    id: 'x1',
    createdAt: '2025-03-07T22:10:00.000Z',
    ipAddress: '159.89.14.7',
    asn: 14061,
    asOrg: 'DIGITALOCEAN-ASN',
    country: 'SG',
    hosting: true,
    hostingProvider: 'DigitalOcean',
  });
  const all = [...normalDays(5), attack].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const once = run(all).found;
  const baseline = createSignInBaseline();
  const daily = [];
  for (let d = 3; d <= 7; d++) {
    const day = `2025-03-0${d}`;
    daily.push(
      ...run(
        all.filter((s) => s.createdAt.startsWith(day)),
        baseline,
      ).found,
    );
  }
  assert.ok(once.length > 0);
  assert.deepEqual(daily, once);
});

/** A workload moving its token requests to an Amazon address with a newly added secret. */
function moveToAws(keyId: string) {
  return [0, 20].map((m) =>
    workloadSignIn({
      id: `m${m}`,
      createdAt: new Date(Date.UTC(2025, 2, 8, 9, m)).toISOString(),
      ipAddress: '52.33.12.40',
      asn: 16509,
      asOrg: 'AMAZON-02',
      country: 'US',
      city: 'Boardman',
      hosting: true,
      hostingProvider: 'Amazon',
      credentialType: 'clientSecret',
      credentialKeyId: keyId,
    }),
  );
}

function change(authorised: boolean, at: string, keyId: string): RelatedChange {
  return {
    at,
    kind: 'credentialAdded',
    keyId,
    actor: authorised ? 'platform-admin@contoso.com' : 'intern@contoso.com',
    auditId: `Directory_${keyId}`,
    activity: 'Update application \u2013 Certificates and secrets management ',
    authorised,
  };
}

test('a credential an authorised admin added shortly before: still raised, says so, one level lower', () => {
  const keyId = '5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60';
  const signIns = [...normalDays(5), ...moveToAws(keyId)];
  const plain = detection.evaluate(
    { tenantId: TENANT, principalId: SP, signIns },
    { baseline: createSignInBaseline() },
    detection.defaultParameters,
  );
  assert.equal(plain[0]?.riskLevel, 'high', 'a new network owner and a new credential type weigh high');

  const changes = [change(true, '2025-03-08T07:45:00.000Z', keyId)];
  const [d] = detection.evaluate(
    { tenantId: TENANT, principalId: SP, signIns },
    { baseline: createSignInBaseline(), changes },
    detection.defaultParameters,
  );
  assert.equal(d?.riskLevel, 'medium');
  const info = new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
  assert.equal(info.get('riskLoweredFrom'), 'high');
  assert.match(
    String(info.get('reason')),
    /credential 5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60 added at 2025-03-08T07:45:00.000Z by platform-admin@contoso.com/,
  );
  assert.deepEqual(
    (info.get('relatedChanges') as { auditId: string }[]).map((c) => c.auditId),
    [`Directory_${keyId}`],
  );
});

test('an unusual actor, another credential or an old change does not lower the risk', () => {
  const keyId = '5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60';
  const signIns = [...normalDays(5), ...moveToAws(keyId)];
  const levelWith = (changes: RelatedChange[]) =>
    detection.evaluate(
      { tenantId: TENANT, principalId: SP, signIns },
      { baseline: createSignInBaseline(), changes },
      detection.defaultParameters,
    )[0];
  const unusual = levelWith([change(false, '2025-03-08T07:45:00.000Z', keyId)]);
  assert.equal(unusual?.riskLevel, 'high');
  assert.match(
    String(new Map(unusual?.additionalInfo.map((e) => [e.Key, e.Value])).get('reason')),
    /not a routine change/,
  );
  assert.equal(
    levelWith([change(true, '2025-03-08T07:45:00.000Z', '0d7e6f5a-1111-4c3b-8a2d-9e8f7a6b5c4d')])?.riskLevel,
    'high',
  );
  assert.equal(
    levelWith([change(true, '2025-03-05T07:45:00.000Z', keyId)])?.riskLevel,
    'high',
    'three days before is not shortly',
  );
  assert.equal(
    levelWith([change(true, '2025-03-08T10:00:00.000Z', keyId)])?.riskLevel,
    'high',
    'a change after the sign-ins explains nothing',
  );
});

test('every scored sign-in with something new is reported to the caller with its signals', () => {
  const seen: [string, readonly string[]][] = [];
  detection.evaluate(
    { tenantId: TENANT, principalId: SP, signIns: [...normalDays(5), ...moveToAws('k')] },
    { baseline: createSignInBaseline(), onUnusual: (s, signals) => seen.push([s.id, signals]) },
    detection.defaultParameters,
  );
  assert.deepEqual(
    seen.map(([id]) => id),
    ['m0'],
  );
  assert.ok(seen[0]?.[1].includes('newAsnOtherOwner'));
});
