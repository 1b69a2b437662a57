import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextRisk } from './next-risk.ts';
import type { DetectionRisk, PrincipalRisk } from './principal-risk.ts';

const vigil = { at: '2026-11-20T09:00:00.000Z', initiatedBy: null, privileged: false };
const admin = { at: '2026-11-20T10:00:00.000Z', initiatedBy: 'secops@contoso.com', privileged: false };

const suspicious: DetectionRisk = {
  id: 'd1',
  riskEventType: 'suspiciousSignins',
  riskLevel: 'medium',
  riskState: 'atRisk',
};
const intel: DetectionRisk = {
  id: 'd2',
  riskEventType: 'investigationsThreatIntelligence',
  riskLevel: 'high',
  riskState: 'atRisk',
};

test('a principal is as risky as its riskiest detection still at risk', () => {
  const first = nextRisk(
    null,
    { kind: 'detected', detections: [suspicious], newEventTypes: ['suspiciousSignins'] },
    vigil,
  );
  assert.deepEqual(first.risk, {
    riskLevel: 'medium',
    riskState: 'atRisk',
    riskDetail: 'none',
    riskLastUpdatedDateTime: vigil.at,
  });
  assert.deepEqual(first.history?.activity, { riskEventTypes: ['suspiciousSignins'], detail: 'none' });
  assert.equal(first.history?.initiatedBy, null);

  const second = nextRisk(
    first.risk,
    {
      kind: 'detected',
      detections: [suspicious, intel],
      newEventTypes: ['investigationsThreatIntelligence'],
    },
    vigil,
  );
  assert.equal(second.risk.riskLevel, 'high');

  const same = nextRisk(
    second.risk,
    { kind: 'detected', detections: [suspicious, intel], newEventTypes: [] },
    vigil,
  );
  assert.equal(same.history, null, 'an update that changes nothing leaves no history');
});

test('a privileged principal is raised one level, never above high', () => {
  const p = { ...vigil, privileged: true };
  assert.equal(
    nextRisk(null, { kind: 'detected', detections: [suspicious], newEventTypes: ['suspiciousSignins'] }, p)
      .risk.riskLevel,
    'high',
  );
  assert.equal(
    nextRisk(null, { kind: 'detected', detections: [intel], newEventTypes: ['x'] }, p).risk.riskLevel,
    'high',
  );
});

test('privilege does not lift weak evidence, nor count twice where a detection weighed it already', () => {
  const p = { ...vigil, privileged: true };
  const weak: DetectionRisk = { ...suspicious, id: 'd3', riskLevel: 'low' };
  assert.equal(
    nextRisk(null, { kind: 'detected', detections: [weak], newEventTypes: ['suspiciousSignins'] }, p).risk
      .riskLevel,
    'low',
  );
  const addition: DetectionRisk = {
    id: 'd4',
    riskEventType: 'unusualCredentialAddition',
    riskLevel: 'medium',
    riskState: 'atRisk',
  };
  assert.equal(
    nextRisk(
      null,
      { kind: 'detected', detections: [addition], newEventTypes: ['unusualCredentialAddition'] },
      p,
    ).risk.riskLevel,
    'medium',
  );
});

test('confirm compromised sets high and names the administrator; later detections do not change it', () => {
  const confirmed = nextRisk(null, { kind: 'confirmCompromised' }, admin);
  assert.deepEqual(
    [confirmed.risk.riskState, confirmed.risk.riskLevel, confirmed.risk.riskDetail],
    ['confirmedCompromised', 'high', 'adminConfirmedServicePrincipalCompromised'],
  );
  assert.equal(confirmed.history?.initiatedBy, 'secops@contoso.com');
  assert.deepEqual(confirmed.history?.activity.riskEventTypes, ['adminConfirmedServicePrincipalCompromised']);
  const later = nextRisk(
    confirmed.risk,
    { kind: 'detected', detections: [suspicious], newEventTypes: ['x'] },
    vigil,
  );
  assert.equal(later.risk.riskState, 'confirmedCompromised');
  assert.equal(later.history, null);
});

test('dismiss clears the risk and every active detection; a new detection makes it at risk again', () => {
  const atRisk: PrincipalRisk = nextRisk(
    null,
    { kind: 'detected', detections: [suspicious, intel], newEventTypes: ['a'] },
    vigil,
  ).risk;
  const dismissed = nextRisk(atRisk, { kind: 'dismiss', detections: [suspicious, intel] }, admin);
  assert.deepEqual(
    [dismissed.risk.riskState, dismissed.risk.riskLevel, dismissed.risk.riskDetail],
    ['dismissed', 'none', 'adminDismissedAllRiskForServicePrincipal'],
  );
  assert.equal(dismissed.detectionsBecome, 'dismissed');
  assert.deepEqual(dismissed.history?.activity.riskEventTypes, [
    'investigationsThreatIntelligence',
    'suspiciousSignins',
  ]);

  const fresh: DetectionRisk = { ...suspicious, id: 'd3' };
  const again = nextRisk(
    dismissed.risk,
    {
      kind: 'detected',
      detections: [{ ...suspicious, riskState: 'dismissed' }, { ...intel, riskState: 'dismissed' }, fresh],
      newEventTypes: ['suspiciousSignins'],
    },
    vigil,
  );
  assert.deepEqual([again.risk.riskState, again.risk.riskLevel], ['atRisk', 'medium']);
});

test('remediation ends in remediated with level none', () => {
  const atRisk = nextRisk(null, { kind: 'detected', detections: [intel], newEventTypes: ['x'] }, vigil).risk;
  const done = nextRisk(atRisk, { kind: 'remediate', detections: [intel] }, admin);
  assert.deepEqual([done.risk.riskState, done.risk.riskLevel], ['remediated', 'none']);
  assert.equal(done.detectionsBecome, 'remediated');
});
