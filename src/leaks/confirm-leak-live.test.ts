import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credential } from '../domain/inventory.ts';
import { hashClientSecret } from './client-secret-hash.ts';
import { confirmLeakLive } from './confirm-leak-live.ts';
import { createLeak } from './leak.ts';
import { matchLeak } from './match-leak.ts';
import type { LiveSecretCheck, LiveSecretRequest, LiveSecretVerdict } from './verify-secret-live.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_APP_OBJECT = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const SECRET = 'm2L5Q~FAKE.appsettings.secret-TEST-0001';
const NOW = '2026-11-27T00:00:00.000Z';

const billingSecret2025: Credential = {
  tenantId: TENANT,
  keyId: 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70',
  ownerId: BILLING_APP_OBJECT,
  ownerType: 'application',
  type: 'password',
  keyType: null,
  usage: null,
  displayName: 'billing-sync-2025',
  hint: 'm2L',
  thumbprint: null,
  startDateTime: '2025-03-11T16:48:55.1029384Z',
  endDateTime: '2027-03-11T16:48:55.1029384Z',
  issuer: null,
  subject: null,
  audiences: null,
  addedAt: null,
  addedBy: null,
  removedAt: null,
  removedBy: null,
};
const inventory = [billingSecret2025];
const ownerAppIds = new Map([[BILLING_APP_OBJECT, BILLING_APP]]);
const leak = createLeak({ kind: 'clientSecret', source: 'scan', secret: SECRET, appId: BILLING_APP });

const details: Record<LiveSecretVerdict, string> = {
  valid: 'live token request succeeded',
  invalid: 'HTTP 401 invalid_client AADSTS7000215: invalid client secret',
  expired: 'HTTP 401 invalid_client AADSTS7000222: client secret expired',
  unknownApp: 'HTTP 400 unauthorized_client AADSTS700016: application not found in the tenant',
  unavailable: 'HTTP 503, server error',
};

/** Checks that answer `verdict` and record what they were asked. */
function answering(verdict: LiveSecretVerdict) {
  const asked: LiveSecretRequest[] = [];
  return {
    asked,
    appIdOf: (c: Credential) => ownerAppIds.get(c.ownerId) ?? null,
    async check(request: LiveSecretRequest): Promise<LiveSecretCheck> {
      asked.push(request);
      return { verdict, detail: details[verdict] };
    },
  };
}

async function settle(verdict: LiveSecretVerdict) {
  const options = answering(verdict);
  const match = matchLeak(leak, inventory, { now: NOW, ownerAppIds });
  assert.equal(match.outcome, 'probable');
  return { result: await confirmLeakLive(leak, match, inventory, options), asked: options.asked };
}

describe('confirmLeakLive', () => {
  it('confirms a probable secret the endpoint issues a token for, asking as its app in its tenant', async () => {
    const { result, asked } = await settle('valid');
    assert.deepEqual(asked, [{ tenantId: TENANT, appId: BILLING_APP, secret: SECRET }]);
    assert.equal(result.outcome, 'confirmed');
    assert.deepEqual(result.keyIds, [billingSecret2025.keyId]);
    assert.match(result.how, /^live token request succeeded as app 3f8a1c27-/);
    assert.doesNotMatch(result.how, /unconfirmed/);
    assert.equal(result.liveCheck, 'live token request succeeded');
  });

  it('reports a refused secret as invalid and an expired one as stale', async () => {
    const invalid = (await settle('invalid')).result;
    assert.equal(invalid.outcome, 'invalid');
    assert.match(
      invalid.how,
      /^the secret no longer works: live token request refused it \(HTTP 401 .*AADSTS7000215/,
    );
    assert.deepEqual(invalid.keyIds, [billingSecret2025.keyId]);
    assert.equal((await settle('expired')).result.outcome, 'stale');
  });

  it('leaves the match probable, with the answer noted, when the answer proves nothing', async () => {
    for (const verdict of ['unavailable', 'unknownApp'] as const) {
      const { result } = await settle(verdict);
      assert.equal(result.outcome, 'probable');
      assert.deepEqual(result.keyIds, [billingSecret2025.keyId]);
      assert.ok(result.how.endsWith(`; live token request: ${details[verdict]}`), result.how);
    }
  });

  it('sends nothing for a secret confirmed by its stored hash, nor for other leaks', async () => {
    const options = answering('invalid');
    const byHash = matchLeak(leak, inventory, {
      now: NOW,
      ownerAppIds,
      secretHashes: new Map([[billingSecret2025.keyId, hashClientSecret(SECRET)]]),
    });
    assert.equal(byHash.outcome, 'confirmed');
    const result = await confirmLeakLive(leak, byHash, inventory, options);
    assert.equal(result.outcome, 'confirmed');
    assert.equal(result.liveCheck, null);
    const other = createLeak({
      kind: 'clientSecret',
      source: 'scan',
      secret: 'Zt56Q~FAKE-generic-leak-TEST-secret-0003',
    });
    const none = matchLeak(other, inventory, { now: NOW, ownerAppIds });
    assert.equal((await confirmLeakLive(other, none, inventory, options)).outcome, 'noMatch');
    assert.deepEqual(options.asked, []);
  });
});
