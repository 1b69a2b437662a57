import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import type { DetectionCandidate } from '../detection.ts';
import { offensiveToolsDetection as detection, OFFENSIVE_TOOL_AGENTS } from './index.ts';
import { createOffensiveToolMatcher } from './match-offensive-tool.ts';
import { negativeFixtures, positiveFixtures } from './offensive-tools.fixture.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
const match = createOffensiveToolMatcher(OFFENSIVE_TOOL_AGENTS);

const evaluate = (signIns: SignIn[], parameters = detection.defaultParameters) =>
  detection.evaluate({ tenantId: TENANT, principalId: SP, signIns }, undefined, parameters);

function info(d: DetectionCandidate | undefined) {
  return new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
}

for (const f of positiveFixtures) {
  test(`names a tool: ${f.name}`, () => {
    assert.equal(match(f.userAgent)?.tool.id, f.tool);
    const found = evaluate([workloadSignIn({ userAgent: f.userAgent })]);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.riskLevel, 'high');
  });
}

for (const f of negativeFixtures) {
  test(`names no tool: ${f.name}`, () => {
    assert.equal(match(f.userAgent), null);
    assert.deepEqual(evaluate([workloadSignIn({ userAgent: f.userAgent })]), []);
  });
}

test('a successful sign-in with a tool is high and explains the tool, the agent and the sign-ins', () => {
  const at = (m: number) => `2026-11-05T02:${String(m).padStart(2, '0')}:00.000Z`;
  const signIns = [
    workloadSignIn({ id: 'a1', createdAt: at(5), userAgent: 'azurehound/v2.1.7', ipAddress: '159.89.14.7' }),
    workloadSignIn({ id: 'a2', createdAt: at(9), userAgent: 'azurehound/v2.1.7', ipAddress: '159.89.14.7' }),
    workloadSignIn({ id: 'n1', createdAt: at(10) }),
  ];
  const [d, ...rest] = evaluate(signIns);
  assert.equal(rest.length, 0);
  assert.equal(
    d?.dedupeKey,
    `${TENANT}|${SP}|investigationsThreatIntelligence|offensiveTool|azurehound|success|2026-11-05`,
  );
  assert.equal(d?.riskEventType, 'investigationsThreatIntelligence');
  assert.equal(d?.riskLevel, 'high');
  assert.equal(d?.activity, 'signin');
  assert.equal(d?.activityDateTime, at(5));
  assert.equal(d?.ipAddress, '159.89.14.7');
  assert.deepEqual(d?.keyIds, ['3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27']);
  const i = info(d);
  assert.equal(
    i.get('reason'),
    'Signed in successfully 2 times with AzureHound (attack-path collection for BloodHound), named in the user agent "azurehound/v2.1.7". ' +
      'Whoever holds a working credential of this principal is using attack tooling with it; unless it is an authorised test, treat the credential as compromised.',
  );
  assert.deepEqual(i.get('tool'), {
    id: 'azurehound',
    name: 'AzureHound',
    purpose: 'attack-path collection for BloodHound',
    reference: 'https://github.com/SpecterOps/AzureHound',
    matched: 'azurehound',
  });
  assert.deepEqual(i.get('userAgents'), ['azurehound/v2.1.7']);
  assert.deepEqual(i.get('contributingSignInIds'), ['a1', 'a2']);
});

test('failures are medium, and a later success the same day is its own high detection', () => {
  const agent = 'python-requests/2.32.3 TREVORspray/2.2.0';
  const found = evaluate([
    workloadSignIn({
      id: 'f1',
      createdAt: '2026-11-05T02:00:00.000Z',
      userAgent: agent,
      statusCode: 7000215,
    }),
    workloadSignIn({
      id: 'f2',
      createdAt: '2026-11-05T02:01:00.000Z',
      userAgent: agent,
      statusCode: 7000215,
    }),
    workloadSignIn({ id: 's1', createdAt: '2026-11-05T02:02:00.000Z', userAgent: agent }),
  ]);
  assert.deepEqual(
    found.map((d) => [d.dedupeKey.split('|').slice(4).join('|'), d.riskLevel]),
    [
      ['trevorspray|failure|2026-11-05', 'medium'],
      ['trevorspray|success|2026-11-05', 'high'],
    ],
  );
  assert.match(String(info(found[0]).get('reason')), /^Failed to sign in 2 times with TREVORspray/);
  const withoutFailures = evaluate([workloadSignIn({ userAgent: agent, statusCode: 7000215 })], {
    ...detection.defaultParameters,
    includeFailures: false,
  });
  assert.deepEqual(withoutFailures, []);
});

test('another day or another tool is another detection; sign-ins without an agent are skipped', () => {
  const found = evaluate([
    workloadSignIn({ id: 'd1', createdAt: '2026-11-05T23:59:00.000Z', userAgent: 'GraphSpy/1.5.0' }),
    workloadSignIn({ id: 'd2', createdAt: '2026-11-06T00:01:00.000Z', userAgent: 'GraphSpy/1.5.0' }),
    workloadSignIn({ id: 'd3', createdAt: '2026-11-06T00:02:00.000Z', userAgent: 'roadtx/1.6.1' }),
    workloadSignIn({ id: 'd4', createdAt: '2026-11-06T00:03:00.000Z', userAgent: null }),
  ]);
  assert.equal(new Set(found.map((d) => d.dedupeKey)).size, 3);
});

test('the tool list is a parameter: an organisation can add the agent of a tool it knows', () => {
  const tools = [
    ...OFFENSIVE_TOOL_AGENTS,
    {
      id: 'inhouse-redteam',
      name: 'Contoso red team kit',
      purpose: 'authorised adversary simulation',
      names: ['ctso-redkit'],
      reference: 'https://wiki.contoso.example/redteam',
    },
  ];
  const found = evaluate([workloadSignIn({ userAgent: 'ctso-redkit/4.1' })], {
    ...detection.defaultParameters,
    tools,
  });
  assert.equal((info(found[0]).get('tool') as { id: string } | undefined)?.id, 'inhouse-redteam');
});
