import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DetectionRecord } from '../domain/index.ts';
import { assessSignIns } from './assess-sign-ins.ts';

const info = (entries: Record<string, unknown>) =>
  JSON.stringify(Object.entries(entries).map(([Key, Value]) => ({ Key, Value })));

function detection(
  fields: Partial<DetectionRecord> & Pick<DetectionRecord, 'id' | 'riskEventType'>,
): DetectionRecord {
  return {
    riskLevel: 'medium',
    riskState: 'atRisk',
    activity: 'signin',
    activityDateTime: '2026-11-20T10:22:40.000Z',
    ipAddress: '45.137.21.9',
    keyIds: ['3e74445d-008f-4f0b-b48c-b53bdc966ce7'],
    additionalInfo: '[]',
    ...fields,
  };
}

const unusual = detection({
  id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a',
  riskEventType: 'suspiciousSignins',
  additionalInfo: info({
    reason: 'Sign-ins with a network (ASN) of another owner, a hosting/non-hosting change.',
    unusual: [
      {
        property: 'asn',
        signal: 'newAsnOtherOwner',
        weight: 'strong',
        value: 'AS9009 M247 Europe SRL',
        baseline: [],
      },
      { property: 'hosting', signal: 'hostingFlip', weight: 'strong', value: 'hosting', baseline: [] },
    ],
    contributingSignInIds: ['6f1c2d3e-0001-4a5b-8c9d-0e1f2a3b4c5d', '6f1c2d3e-0002-4a5b-8c9d-0e1f2a3b4c5d'],
  }),
});

test('nothing to see: no detection, no leaked credential used', () => {
  const answer = assessSignIns([], []);
  assert.equal(answer.verdict, 'nothingFound');
  assert.equal(answer.evidenceCount, 0);
  assert.match(answer.summary, /No sign-in/);
});

test('unusual sign-ins are suspicious, with what was unusual and the sign-in ids', () => {
  const answer = assessSignIns([unusual], []);
  assert.equal(answer.verdict, 'suspicious');
  const [e] = answer.evidence;
  assert.deepEqual(e?.signInIds, [
    '6f1c2d3e-0001-4a5b-8c9d-0e1f2a3b4c5d',
    '6f1c2d3e-0002-4a5b-8c9d-0e1f2a3b4c5d',
  ]);
  assert.deepEqual(
    e?.unusual.map((u) => [u.property, u.value, u.weight]),
    [
      ['asn', 'AS9009 M247 Europe SRL', 'strong'],
      ['hosting', 'hosting', 'strong'],
    ],
  );
  assert.deepEqual(e?.reasons, ['suspiciousSignins', 'newAsnOtherOwner', 'hostingFlip']);
  assert.equal(e?.detectionId, unusual.id);
  assert.match(answer.summary, /1 detection of unusual sign-ins \(2 sign-ins named as evidence\)/);
});

test('a successful sign-in from a listed address, or an admin confirmation, is confirmed', () => {
  const listed = detection({
    id: 'b2',
    riskEventType: 'investigationsThreatIntelligence',
    riskLevel: 'high',
    additionalInfo: info({
      reason: '3 sign-ins (3 successful) from 45.137.21.9, listed by drop (confidence 90).',
      successfulSignIns: 3,
      contributingSignInIds: ['s-1', 's-2', 's-3'],
    }),
  });
  const tried = detection({
    id: 'b3',
    riskEventType: 'investigationsThreatIntelligence',
    riskLevel: 'low',
    additionalInfo: info({ principalTargeted: true, principalFailedSignInIds: ['f-1'] }),
  });
  assert.equal(assessSignIns([tried], []).verdict, 'suspicious');
  assert.deepEqual(assessSignIns([tried], []).evidence[0]?.signInIds, ['f-1']);
  const answer = assessSignIns([listed, tried], []);
  assert.equal(answer.verdict, 'confirmed');
  assert.match(answer.summary, /a sign-in matching threat intelligence succeeded/);

  const confirmed = assessSignIns(
    [
      detection({
        id: 'c1',
        riskEventType: 'adminConfirmedServicePrincipalCompromised',
        activity: 'servicePrincipal',
        riskLevel: 'high',
        riskState: 'confirmedCompromised',
        additionalInfo: info({
          reason: 'Confirmed compromised by soc@contoso.com.',
          initiatedBy: 'soc@contoso.com',
        }),
      }),
    ],
    [],
  );
  assert.equal(confirmed.verdict, 'confirmed');
  assert.equal(confirmed.evidence[0]?.actor?.name, 'soc@contoso.com');
});

test('a leaked credential signing in from a new network afterwards is confirmed; a dismissed detection weighs nothing', () => {
  const answer = assessSignIns(
    [{ ...unusual, riskState: 'dismissed' }],
    [
      {
        keyId: 'be21310e-3dbf-4934-b844-687cacd074c4',
        leakDetectionId: 'd1',
        leakedAt: '2026-11-24T01:56:12.000Z',
        firstAt: '2026-11-24T09:12:00.000Z',
        ipAddress: '203.0.113.77',
        signIns: 4,
        fromNewNetwork: 1,
        signInIds: ['l-1', 'l-2', 'l-3', 'l-4'],
      },
    ],
  );
  assert.equal(answer.verdict, 'confirmed');
  assert.deepEqual(
    answer.evidence.map((e) => [e.kind, e.verdict]),
    [
      ['suspiciousSignins', 'nothingFound'],
      ['leakedCredentialUsed', 'confirmed'],
    ],
  );
  assert.equal(assessSignIns([{ ...unusual, riskState: 'dismissed' }], []).verdict, 'nothingFound');
});

test('a leaked credential still used only from its own networks is suspicious: rotate it', () => {
  const answer = assessSignIns(
    [],
    [
      {
        keyId: 'be21310e-3dbf-4934-b844-687cacd074c4',
        leakDetectionId: 'd1',
        leakedAt: '2026-11-24T01:56:12.000Z',
        firstAt: '2026-11-24T02:00:00.000Z',
        ipAddress: '20.61.12.4',
        signIns: 96,
        fromNewNetwork: 0,
        signInIds: ['w-1'],
      },
    ],
  );
  assert.equal(answer.verdict, 'suspicious');
  assert.deepEqual(answer.evidence[0]?.reasons, ['leakedCredentialStillInUse']);
  assert.match(answer.evidence[0]!.description, /only from networks it used before the leak/);
  assert.equal(answer.summary, '1 leaked credential still signing in (1 sign-in named as evidence).');
});
