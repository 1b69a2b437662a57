import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignInSignal } from '../../baselines/risk-weights.ts';
import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import { assessAddition } from './assess-credential-addition.ts';
import { credentialUsedFromNewNetwork } from './credential-used-from-new-network.ts';
import { addition, BILLING_SP, context, MALLORY, TENANT } from './unusual-credential-addition.fixture.ts';

const unusual = assessAddition(
  addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName }),
  context({ actorCredentialChanges: 0 }),
);
const routine = assessAddition(addition(), context());
const KEY = unusual.keyId;

/** A sign-in of the billing workload with the new secret, from a VPS abroad. */
function fromVps(id: string, at: string, overrides: Partial<SignIn> = {}): SignIn {
  return workloadSignIn({
    id,
    createdAt: at,
    servicePrincipalId: BILLING_SP,
    credentialType: 'clientSecret',
    credentialKeyId: KEY,
    credentialThumbprint: null,
    ipAddress: '159.89.14.7',
    asn: 14061,
    asOrg: 'DIGITALOCEAN-ASN',
    country: 'SG',
    state: null,
    city: 'Singapore',
    hostingProvider: 'DigitalOcean',
    userAgent: 'python-requests/2.31.0',
    requestId: `r-${id}`,
    correlationId: `c-${id}`,
    ...overrides,
  });
}

const NEW_NETWORK: SignInSignal[] = ['newAsnOtherOwner', 'newCountryWithNewAsn', 'newUserAgentProduct'];

test('the added secret used from another network owner two days later is one high detection, explained', () => {
  const uses = [
    { signIn: fromVps('u2', '2026-09-16T03:41:00.000Z'), signals: ['newUserAgentProduct'] as SignInSignal[] },
    { signIn: fromVps('u1', '2026-09-16T03:40:00.000Z'), signals: NEW_NETWORK },
    { signIn: fromVps('u3', '2026-09-16T05:00:00.000Z'), signals: ['newAsnOtherOwner'] as SignInSignal[] },
  ];
  const d = credentialUsedFromNewNetwork(unusual, uses);
  assert.ok(d);
  assert.equal(d.dedupeKey, `${TENANT}|${BILLING_SP}|unusualCredentialAddition|${KEY}|used`);
  assert.equal(d.riskEventType, 'unusualCredentialAddition');
  assert.equal(d.riskLevel, 'high');
  assert.equal(d.activity, 'signin');
  assert.equal(d.activityDateTime, '2026-09-16T03:40:00.000Z');
  assert.equal(d.ipAddress, '159.89.14.7');
  assert.deepEqual(d.location, { city: 'Singapore', state: null, countryOrRegion: 'SG' });
  assert.deepEqual(d.keyIds, [KEY]);
  assert.equal(d.requestId, null, 'two sign-ins: no single request');
  const info = new Map(d.additionalInfo.map((e) => [e.Key, e.Value]));
  assert.match(
    String(info.get('reason')),
    /^Credential 9d9fea30-\S+, added 2026-09-14T09:30:12\.345Z by mallory\.dev@contoso\.onmicrosoft\.com \(unusualActor\), was used 2 times within 7 days from a network \(ASN\) of another owner, a new country with a new ASN\.$/,
  );
  assert.deepEqual(info.get('contributingSignInIds'), ['u1', 'u3']);
  assert.equal((info.get('addition') as { auditId: string }).auditId, unusual.auditId);
  assert.equal((info.get('network') as { asn: number }).asn, 14061);
});

test('a routine rotation whose secret then appears on a new network is medium', () => {
  const d = credentialUsedFromNewNetwork(routine, [
    { signIn: fromVps('r1', '2026-09-15T10:00:00.000Z'), signals: ['hostingFlip'] },
  ]);
  assert.equal(d?.riskLevel, 'medium');
  assert.equal(d?.requestId, 'r-r1');
  assert.match(String(d?.additionalInfo[0]?.Value), /\(a routine change\)/);
});

test('uses that do not qualify raise nothing', () => {
  const none = credentialUsedFromNewNetwork(unusual, [
    // Familiar network: only weak or no novelty.
    { signIn: fromVps('n1', '2026-09-15T10:00:00.000Z'), signals: ['newIpPrefix', 'newUserAgentProduct'] },
    // Another credential.
    {
      signIn: fromVps('n2', '2026-09-15T10:00:00.000Z', {
        credentialKeyId: '3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27',
      }),
      signals: NEW_NETWORK,
    },
    // Failed.
    { signIn: fromVps('n3', '2026-09-15T10:00:00.000Z', { statusCode: 7000215 }), signals: NEW_NETWORK },
    // Before the addition, and after the window.
    { signIn: fromVps('n4', '2026-09-14T09:00:00.000Z'), signals: NEW_NETWORK },
    { signIn: fromVps('n5', '2026-09-21T09:30:12.345Z'), signals: NEW_NETWORK },
    // Another principal.
    {
      signIn: fromVps('n6', '2026-09-15T10:00:00.000Z', {
        servicePrincipalId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
      }),
      signals: NEW_NETWORK,
    },
  ]);
  assert.equal(none, null);
});

test('a federated credential is matched by its id', () => {
  const federated = { ...unusual, keyId: 'github-deploy-main', credentialType: 'federated' as const };
  const d = credentialUsedFromNewNetwork(federated, [
    {
      signIn: fromVps('f1', '2026-09-15T10:00:00.000Z', {
        credentialKeyId: null,
        credentialType: 'federatedIdentityCredential',
        federatedCredentialId: 'github-deploy-main',
      }),
      signals: ['newAsnOtherOwner'],
    },
  ]);
  assert.deepEqual(d?.keyIds, ['github-deploy-main']);
});
