import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttackLabel, SimulationLabels } from './labels.ts';
import { scoreDetections } from './score.ts';

function attack(
  principalId: string,
  kind: AttackLabel['kind'],
  from: string,
  expectDetection = true,
): AttackLabel {
  return {
    principalId,
    appId: `app-${principalId}`,
    displayName: principalId,
    kind,
    from,
    expectDetection,
    riskEventTypes: expectDetection ? ['suspiciousSignins'] : [],
    ipAddresses: [],
    keyIds: [],
    note: '',
  };
}

const labels: SimulationLabels = {
  seed: 1,
  principals: 100,
  days: 10,
  start: '2026-10-01T00:00:00.000Z',
  end: '2026-10-11T00:00:00.000Z',
  tenantId: 't',
  signIns: 0,
  managedIdentities: 0,
  auditEvents: 0,
  indicators: 0,
  attacks: [
    attack('stolen', 'stolenSecret', '2026-10-08T02:00:00.000Z'),
    attack('sprayed', 'passwordSpray', '2026-10-09T05:00:00.000Z'),
    attack('missed', 'listedAddress', '2026-10-09T06:00:00.000Z'),
    attack('dead-leak', 'leakedExpiredSecret', '2026-10-07T00:00:00.000Z', false),
  ],
  targeted: [
    {
      principalId: 'tried',
      appId: 'a',
      displayName: 'tried',
      kind: 'passwordSpray',
      from: '2026-10-09T05:00:00.000Z',
      ipAddress: '1.2.3.4',
    },
  ],
  normalEvents: [],
};

test('recall, precision, false positives and time to detect are counted at principal level', () => {
  const score = scoreDetections(
    labels,
    [
      { principalId: 'stolen', riskLevel: 'high' },
      { principalId: 'sprayed', riskLevel: 'high' },
      { principalId: 'missed', riskLevel: 'low' },
      { principalId: 'tried', riskLevel: 'medium' },
      { principalId: 'dead-leak', riskLevel: 'high' },
      { principalId: 'quiet', riskLevel: 'low' },
    ],
    [
      {
        principalId: 'stolen',
        riskLevel: 'medium',
        riskEventType: 'suspiciousSignins',
        activityDateTime: '2026-10-08T02:00:00.000Z',
      },
      {
        principalId: 'stolen',
        riskLevel: 'low',
        riskEventType: 'suspiciousSignins',
        activityDateTime: '2026-10-03T00:00:00.000Z',
      },
      {
        principalId: 'sprayed',
        riskLevel: 'high',
        riskEventType: 'investigationsThreatIntelligence',
        activityDateTime: '2026-10-09T05:30:00.000Z',
      },
      {
        principalId: 'dead-leak',
        riskLevel: 'high',
        riskEventType: 'leakedCredentials',
        activityDateTime: '2026-10-07T00:00:00.000Z',
      },
    ],
  );
  assert.equal(score.attacked, 3, 'the dead leak is not an attack to find');
  assert.equal(score.found, 2);
  assert.deepEqual(score.missed, [{ principalId: 'missed', kind: 'listedAddress' }]);
  assert.equal(score.recall, 2 / 3);
  assert.deepEqual(score.falsePositivePrincipals, ['dead-leak'], 'a spray target only tried is neutral');
  assert.equal(score.precision, 2 / 3);
  assert.equal(score.falsePositiveDetections, 1);
  assert.equal(score.falsePositivesPer1000PrincipalDays, 1);
  assert.equal(score.medianTimeToDetectMinutes, 15, 'median of 0 and 30 minutes');
});
