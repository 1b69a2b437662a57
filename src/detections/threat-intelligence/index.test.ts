import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignIn } from '../../domain/index.ts';
import { createIndicatorSet } from '../../enrich/threat-intel/indicator-set.ts';
import { threatIntelligenceDetection } from './index.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';

function signIn(id: string, at: string, ip: string | null, statusCode = 0): SignIn {
  return {
    tenantId: TENANT,
    id,
    kind: 'servicePrincipal',
    createdAt: at,
    servicePrincipalId: SP,
    servicePrincipalName: 'contoso-billing-sync',
    appId: '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
    ipAddress: ip,
    asn: 64500,
    asOrg: 'Example Hosting',
    country: 'NL',
    state: null,
    city: 'Amsterdam',
    hosting: true,
    hostingProvider: 'Example Hosting',
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: null,
    userAgent: 'python-requests/2.31.0',
    credentialType: 'clientSecret',
    credentialKeyId: 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70',
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode,
    failureReason: statusCode === 0 ? null : 'Invalid client secret provided.',
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: `r-${id}`,
    correlationId: `c-${id}`,
    msiType: null,
    associatedResourceId: null,
  };
}

const intel = createIndicatorSet([
  {
    cidr: '11.22.33.0/24',
    source: 'spamhaus-drop',
    confidence: 90,
    labels: ['malicious-activity'],
    validFrom: null,
    validUntil: null,
    id: null,
    description: 'SBL000001',
  },
  {
    cidr: '11.99.0.7',
    source: 'tor-exits',
    confidence: 40,
    labels: ['anonymization'],
    validFrom: '2026-11-01T00:00:00.000Z',
    validUntil: '2026-11-10T00:00:00.000Z',
    id: null,
    description: null,
  },
]);
const context = { match: (ip: string, at: string) => intel.match(ip, at) };
const evaluate = (signIns: SignIn[]) =>
  threatIntelligenceDetection.evaluate(
    { tenantId: TENANT, principalId: SP, signIns },
    context,
    threatIntelligenceDetection.defaultParameters,
  );

test('successful sign-ins from a confidently listed address are one high detection a day, explained', () => {
  const found = evaluate([
    signIn('s1', '2026-11-05T10:00:00.000Z', '11.22.33.44'),
    signIn('s2', '2026-11-05T10:20:00.000Z', '11.22.33.44', 7000215),
    signIn('s3', '2026-11-05T11:00:00.000Z', '20.190.128.4'),
  ]);
  assert.equal(found.length, 1);
  const [d] = found;
  assert.equal(d?.riskLevel, 'high');
  assert.equal(d?.activityDateTime, '2026-11-05T10:00:00.000Z');
  assert.equal(d?.ipAddress, '11.22.33.44');
  assert.deepEqual(d?.keyIds, ['e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70']);
  const info = new Map(d?.additionalInfo.map((e) => [e.Key, e.Value]));
  assert.match(
    String(info.get('reason')),
    /2 sign-ins \(1 successful\) from 11\.22\.33\.44, listed by spamhaus-drop/,
  );
  assert.deepEqual(info.get('contributingSignInIds'), ['s1', 's2']);
});

test('listings count only while valid at the sign-in time; weak listings and failures weigh less', () => {
  assert.deepEqual(evaluate([signIn('s4', '2026-11-12T10:00:00.000Z', '11.99.0.7')]), [], 'expired listing');
  const weak = evaluate([signIn('s5', '2026-11-05T10:00:00.000Z', '11.99.0.7')]);
  assert.equal(weak[0]?.riskLevel, 'medium');
  const failedOnly = evaluate([signIn('s6', '2026-11-05T10:00:00.000Z', '11.99.0.7', 7000222)]);
  assert.equal(failedOnly[0]?.riskLevel, 'low');
});

test('unlisted, private and missing addresses raise nothing', () => {
  assert.deepEqual(
    evaluate([
      signIn('n1', '2026-11-05T10:00:00.000Z', '20.190.128.4'),
      signIn('n2', '2026-11-05T10:00:00.000Z', '10.1.2.3'),
      signIn('n3', '2026-11-05T10:00:00.000Z', null),
    ]),
    [],
  );
});

test('another day is another detection with its own key', () => {
  const found = evaluate([
    signIn('d1', '2026-11-05T23:59:00.000Z', '11.22.33.44'),
    signIn('d2', '2026-11-06T00:01:00.000Z', '11.22.33.44'),
  ]);
  assert.equal(new Set(found.map((d) => d.dedupeKey)).size, 2);
});
