import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DetectionCandidate } from '../detection.ts';
import {
  type AddressSignIns,
  passwordSprayDetection as detection,
  hasPasswordSpray,
  sprayDays,
  sprayReadWindow,
} from './index.ts';
import {
  inOrder,
  LEAKED_KEY,
  negativeFixtures,
  positiveFixtures,
  principal,
  SPRAY_IP,
  spray,
  sprayRecord,
  TENANT,
} from './password-spray.fixture.ts';

const p = detection.defaultParameters;
const evaluate = (input: Omit<AddressSignIns, 'tenantId' | 'ipAddress'>) =>
  detection.evaluate({ tenantId: TENANT, ipAddress: SPRAY_IP, ...input }, p);

function info(d: DetectionCandidate | undefined) {
  return new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
}

/** What a candidate is, read back from its key and level. */
function summary(d: DetectionCandidate) {
  const [, principalId, , kind, , day] = d.dedupeKey.split('|');
  return { principal: principalId, kind, day, level: d.riskLevel };
}

type Summary = { principal: string | undefined; kind: string | undefined; day: string | undefined };
const byKey = (a: Summary, b: Summary) =>
  `${a.kind}|${a.day}|${a.principal}` < `${b.kind}|${b.day}|${b.principal}` ? -1 : 1;

for (const f of positiveFixtures) {
  test(`fires: ${f.name}`, () => {
    const found = evaluate({ signIns: f.signIns, days: f.days });
    assert.deepEqual(found.map(summary).sort(byKey), [...f.expected].sort(byKey));
    for (const d of found) {
      assert.equal(d.riskEventType, 'investigationsThreatIntelligence');
      assert.equal(d.activity, 'signin');
      assert.equal(d.ipAddress, SPRAY_IP);
    }
    assert.equal(hasPasswordSpray(f.signIns, p), true);
  });
}

for (const f of negativeFixtures) {
  test(`does not fire: ${f.name}`, () => {
    assert.deepEqual(evaluate({ signIns: f.signIns, days: f.days }), []);
    assert.equal(hasPasswordSpray(f.signIns, p), false);
  });
}

test('a targeted principal is told who sprayed, how widely, with which codes, and its own failed sign-ins', () => {
  const signIns = inOrder([
    ...spray('2026-11-05T02:10:00.000Z', 0, 12, 3, [7000215, 700027]),
    sprayRecord(0, '2026-11-05T02:50:00.000Z', 7000215),
  ]);
  const found = evaluate({ signIns, days: { from: '2026-11-05', to: '2026-11-05' } });
  const d = found.find((c) => c.dedupeKey.includes(principal(0)));
  assert.equal(
    d?.dedupeKey,
    `${TENANT}|${principal(0)}|investigationsThreatIntelligence|spray|${SPRAY_IP}|2026-11-05`,
  );
  assert.equal(d?.riskLevel, 'low');
  assert.equal(d?.activityDateTime, '2026-11-05T02:10:00.000Z');
  assert.equal(d?.requestId, null, 'two sign-ins: no single request');
  assert.deepEqual(d?.location, { city: 'Bucharest', state: null, countryOrRegion: 'RO' });
  const i = info(d);
  assert.match(
    String(i.get('reason')),
    /^Password spray from 193\.36\.132\.18 \(AS9009 M247 Europe SRL, RO\): failed client-credential sign-ins against 12 principals on 2026-11-05 \(at least 10 within 60 minutes\); this principal failed 2 times\. It was targeted, not shown to be compromised/,
  );
  assert.deepEqual(i.get('address'), {
    ipAddress: SPRAY_IP,
    asn: 9009,
    asOrg: 'M247 Europe SRL',
    country: 'RO',
    hosting: true,
    provider: 'M247',
  });
  assert.deepEqual(i.get('spray'), {
    day: '2026-11-05',
    windowStart: '2026-11-05T02:10:00.000Z',
    windowEnd: '2026-11-05T02:50:00.000Z',
    principalsTargeted: 12,
    failures: 13,
    peakPrincipalsWithinWindow: 12,
    windowMinutes: 60,
    minPrincipals: 10,
  });
  assert.deepEqual(i.get('errorCodes'), [
    { code: 700027, meaning: 'invalid client assertion (signature)', count: 6 },
    { code: 7000215, meaning: 'invalid client secret', count: 7 },
  ]);
  assert.deepEqual(i.get('principalErrorCodes'), [
    { code: 7000215, meaning: 'invalid client secret', count: 2 },
  ]);
  assert.equal(i.get('principalFailedSignIns'), 2);
  assert.deepEqual(
    i.get('contributingSignInIds'),
    signIns.filter((s) => s.servicePrincipalId === principal(0)).map((s) => s.id),
  );
});

test('a success after the spray is high, names the credential that worked and the spray it followed', () => {
  const success = sprayRecord(12, '2026-11-05T02:31:07.000Z', 0);
  const found = evaluate({
    signIns: inOrder([...spray('2026-11-05T02:10:00.000Z', 0, 12, 3), success]),
    days: { from: '2026-11-05', to: '2026-11-05' },
  });
  const d = found.find((c) => c.riskLevel === 'high');
  assert.equal(
    d?.dedupeKey,
    `${TENANT}|${principal(12)}|investigationsThreatIntelligence|spraySuccess|${SPRAY_IP}|2026-11-05`,
  );
  assert.equal(d?.activityDateTime, success.createdAt);
  assert.equal(d?.requestId, success.requestId, 'one sign-in: its request id');
  assert.deepEqual(d?.keyIds, [LEAKED_KEY]);
  const i = info(d);
  assert.match(
    String(i.get('reason')),
    new RegExp(
      `^Signed in successfully from 193\\.36\\.132\\.18 \\(AS9009 M247 Europe SRL, RO\\) 1 time on 2026-11-05, within 24 hours after a password spray from that address against 8 principals \\(2026-11-05T02:10:00\\.000Z to 2026-11-05T02:31:00\\.000Z\\)\\. The credential ${LEAKED_KEY} was most likely guessed or leaked: rotate it\\.$`,
    ),
  );
  assert.equal(i.get('principalTargeted'), false);
  assert.deepEqual(i.get('successfulSignInIds'), [success.id]);
});

test('only the given days are reported, so a caller that read around other days adds nothing partial', () => {
  const signIns = inOrder(spray('2026-11-05T23:35:00.000Z', 0, 10, 5));
  const both = evaluate({ signIns, days: { from: '2026-11-05', to: '2026-11-06' } });
  const fifth = evaluate({ signIns, days: { from: '2026-11-05', to: '2026-11-05' } });
  const sixth = evaluate({ signIns, days: { from: '2026-11-06', to: '2026-11-06' } });
  assert.deepEqual([...fifth, ...sixth], both);
  assert.equal(fifth.length, 5);
  assert.deepEqual(evaluate({ signIns, days: { from: '2026-11-07', to: '2026-11-07' } }), []);
});

test('sign-ins from other addresses or tenants in the input are ignored', () => {
  const signIns = inOrder([
    ...spray('2026-11-05T02:10:00.000Z', 0, 5, 3),
    ...spray('2026-11-05T02:10:00.000Z', 5, 12, 3, [7000215], { ipAddress: '193.36.132.19' }),
    ...spray('2026-11-05T02:10:00.000Z', 12, 14, 3, [7000215], { tenantId: 'another-tenant' }),
  ]);
  assert.deepEqual(evaluate({ signIns, days: { from: '2026-11-05', to: '2026-11-05' } }), []);
});

test('the days new records can change, and the window to read for them', () => {
  const span = { first: '2026-11-05T00:20:00.000Z', last: '2026-11-05T22:59:00.000Z' };
  assert.deepEqual(sprayDays('failure', span, p), { from: '2026-11-04', to: '2026-11-06' });
  assert.deepEqual(sprayDays('success', span, p), { from: '2026-11-05', to: '2026-11-05' });
  assert.deepEqual(sprayReadWindow({ from: '2026-11-05', to: '2026-11-06' }, p), {
    from: '2026-11-03T23:00:00.000Z',
    to: '2026-11-07T01:00:00.000Z',
  });
});
