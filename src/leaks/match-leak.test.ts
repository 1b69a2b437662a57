import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leakFixturePath, TEST_CERTIFICATE } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import type { Credential } from '../domain/inventory.ts';
import { hashClientSecret, verifyClientSecretHash } from './client-secret-hash.ts';
import { createLeak, type Leak } from './leak.ts';
import { matchLeak } from './match-leak.ts';
import { scanPath } from './scan-for-secrets.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const BILLING_APP_OBJECT = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const LEGACY_APP = '1c7e5a93-b4d2-4f68-8e3a-9a0d6c2f5b71';
const LEGACY_SP = '4e9b1d62-7a3c-4b85-9f20-5c8e1a7d3b96';
const SECRET = 'Qx78Q~FAKE-test-secret.do-not-use.000000';
const LEGACY_SECRET = 'Lg4.FAKE-legacy:secret[TEST]_00004';

function credential(
  fields: Partial<Credential> & Pick<Credential, 'keyId' | 'ownerId' | 'type'>,
): Credential {
  return {
    tenantId: TENANT,
    ownerType: 'servicePrincipal',
    keyType: null,
    usage: null,
    displayName: null,
    hint: null,
    thumbprint: null,
    startDateTime: null,
    endDateTime: null,
    issuer: null,
    subject: null,
    audiences: null,
    addedAt: null,
    addedBy: null,
    removedAt: null,
    removedBy: null,
    ...fields,
  };
}

// The fixture world: contoso-billing-sync with two secrets and a certificate, and
// legacy-reporting-daemon whose old secret was removed when it was replaced.
const billingSecret2024 = credential({
  keyId: 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
  ownerId: BILLING_APP_OBJECT,
  ownerType: 'application',
  type: 'password',
  keyType: 'Password',
  hint: 'Qx7',
  startDateTime: '2024-07-01T08:30:12.629Z',
  endDateTime: '2025-12-31T23:00:00Z',
});
const billingSecret2025 = credential({
  keyId: 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70',
  ownerId: BILLING_APP_OBJECT,
  ownerType: 'application',
  type: 'password',
  hint: 'm2L',
  startDateTime: '2025-03-11T16:48:55.1029384Z',
  endDateTime: '2027-03-11T16:48:55.1029384Z',
});
const billingCertificate = credential({
  keyId: 'b6e0d4a2-93c1-4f57-8d2e-1a7c5f9b3e64',
  ownerId: BILLING_SP,
  type: 'certificate',
  keyType: 'AsymmetricX509Cert',
  usage: 'Verify',
  thumbprint: TEST_CERTIFICATE.thumbprint,
  startDateTime: '2026-11-26T23:53:08Z',
  endDateTime: '2036-11-23T23:53:08Z',
});
const legacyOldSecret = credential({
  keyId: '2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26',
  ownerId: LEGACY_SP,
  type: 'password',
  hint: 'Lg4',
  startDateTime: '2023-03-01T10:00:00Z',
  endDateTime: '2026-03-01T10:00:00Z',
  removedAt: '2025-03-11T15:02:40.512Z',
  removedBy: 'alice.wong@contoso.com',
});
const legacyNewSecret = credential({
  keyId: '7c1e4a95-2b6d-4f38-8e07-c3a9d5f1b264',
  ownerId: LEGACY_SP,
  type: 'password',
  hint: 'Hk2',
  startDateTime: '2025-03-11T15:01:12Z',
  endDateTime: '2027-03-11T15:01:12Z',
});
const inventory = [
  billingSecret2024,
  billingSecret2025,
  billingCertificate,
  legacyOldSecret,
  legacyNewSecret,
];
const ownerAppIds = new Map([
  [BILLING_APP_OBJECT, BILLING_APP],
  [BILLING_SP, BILLING_APP],
  [LEGACY_SP, LEGACY_APP],
]);

const secretLeak = (fields: Partial<Leak> = {}) =>
  createLeak({
    kind: 'clientSecret',
    source: 'gitleaks',
    secret: SECRET,
    appId: BILLING_APP,
    tenantId: TENANT,
    ...fields,
  });

describe('matchLeak: client secrets', () => {
  it('narrows by hint and validity to a live secret of the app: probable', () => {
    const match = matchLeak(secretLeak(), inventory, { now: '2025-09-01T00:00:00Z', ownerAppIds });
    assert.equal(match.outcome, 'probable');
    assert.deepEqual(match.keyIds, [billingSecret2024.keyId]);
    assert.match(match.how, /hint 'Qx7'/);
    assert.equal(match.how.includes(SECRET), false);
  });

  it('confirms by a stored salted hash', () => {
    const secretHashes = new Map([[billingSecret2024.keyId, hashClientSecret(SECRET)]]);
    const match = matchLeak(secretLeak(), inventory, {
      now: '2025-09-01T00:00:00Z',
      ownerAppIds,
      secretHashes,
    });
    assert.deepEqual(match, {
      outcome: 'confirmed',
      keyIds: [billingSecret2024.keyId],
      how: 'the leaked secret verifies against the stored hash',
    });
  });

  it('rules a credential out when its stored hash does not verify', () => {
    const secretHashes = new Map([
      [billingSecret2024.keyId, hashClientSecret('Qx7-some-other-secret-entirely')],
    ]);
    const match = matchLeak(secretLeak(), inventory, {
      now: '2025-09-01T00:00:00Z',
      ownerAppIds,
      secretHashes,
    });
    assert.equal(match.outcome, 'noMatch');
  });

  it('reports an expired secret as stale', () => {
    const match = matchLeak(secretLeak(), inventory, { now: '2026-01-15T00:00:00Z', ownerAppIds });
    assert.equal(match.outcome, 'stale');
    assert.deepEqual(match.keyIds, [billingSecret2024.keyId]);
    assert.match(match.how, /expired 2025-12-31T23:00:00Z/);
  });

  it('reports a removed secret as stale', () => {
    const leak = secretLeak({ secret: LEGACY_SECRET, appId: LEGACY_APP });
    const match = matchLeak(leak, inventory, { now: '2025-09-01T00:00:00Z', ownerAppIds });
    assert.equal(match.outcome, 'stale');
    assert.deepEqual(match.keyIds, [legacyOldSecret.keyId]);
    assert.match(match.how, /removed 2025-03-11T15:02:40.512Z/);
  });

  it('does not match the secret of another app', () => {
    const match = matchLeak(secretLeak({ appId: LEGACY_APP }), inventory, {
      now: '2025-09-01T00:00:00Z',
      ownerAppIds,
    });
    assert.deepEqual(match, {
      outcome: 'noMatch',
      keyIds: [],
      how: `no client secret of app ${LEGACY_APP} in tenant ${TENANT} has hint 'Qx7'`,
    });
  });

  it('does not match across tenants, and without an app id looks across the tenant', () => {
    const other = matchLeak(
      secretLeak({ appId: null, tenantId: '9a4e7c12-0000-4000-8000-000000000001' }),
      inventory,
      {
        now: '2025-09-01T00:00:00Z',
      },
    );
    assert.equal(other.outcome, 'noMatch');
    const anyApp = matchLeak(secretLeak({ appId: null }), inventory, { now: '2025-09-01T00:00:00Z' });
    assert.deepEqual([anyApp.outcome, anyApp.keyIds], ['probable', [billingSecret2024.keyId]]);
  });

  it('needs the owner-to-app map to narrow a leak that names its app', () => {
    const match = matchLeak(secretLeak(), inventory, { now: '2025-09-01T00:00:00Z' });
    assert.equal(match.outcome, 'noMatch');
    assert.match(match.how, /no owner-to-app map/);
  });

  it('lets dates break a tie between secrets sharing a hint, never ruling out the last one', () => {
    const newer = credential({
      ...billingSecret2024,
      keyId: 'f0c2a8e4-6b1d-4e93-a7c5-3d9f1b7e5a20',
      addedAt: '2025-10-01T09:00:00Z',
      startDateTime: '2025-10-01T09:00:00Z',
      endDateTime: '2027-10-01T09:00:00Z',
    });
    const both = [billingSecret2024, newer];
    const leak = secretLeak({ foundAt: '2025-08-19T14:02:51.000Z' });
    const tie = matchLeak(leak, both, { now: '2025-11-01T00:00:00Z', ownerAppIds });
    assert.deepEqual([tie.outcome, tie.keyIds], ['probable', [billingSecret2024.keyId]]);
    assert.match(tie.how, /created before the leak/);
    // Once the older one is gone, an amended commit's early date must not hide the newer one.
    const alone = matchLeak(leak, [newer], { now: '2025-11-01T00:00:00Z', ownerAppIds });
    assert.deepEqual([alone.outcome, alone.keyIds], ['probable', [newer.keyId]]);
  });
});

describe('matchLeak: certificates and private keys', () => {
  const keyLeak = (fields: Partial<Leak>) => createLeak({ kind: 'privateKey', source: 'scan', ...fields });

  it('confirms a private key found with its certificate, by thumbprint', () => {
    const leak = keyLeak({
      thumbprint: TEST_CERTIFICATE.thumbprint,
      publicKeyFingerprint: TEST_CERTIFICATE.publicKeyFingerprint,
    });
    const match = matchLeak(leak, inventory, { now: '2027-01-01T00:00:00Z' });
    assert.deepEqual(match, {
      outcome: 'confirmed',
      keyIds: [billingCertificate.keyId],
      how: `the leaked private key matches by thumbprint ${TEST_CERTIFICATE.thumbprint}`,
    });
  });

  it('matches a lone private key through public key fingerprints, and says it needs them otherwise', () => {
    const leak = keyLeak({ publicKeyFingerprint: TEST_CERTIFICATE.publicKeyFingerprint });
    const publicKeyFingerprints = new Map([
      [billingCertificate.keyId, TEST_CERTIFICATE.publicKeyFingerprint],
    ]);
    const match = matchLeak(leak, inventory, { now: '2027-01-01T00:00:00Z', publicKeyFingerprints });
    assert.deepEqual([match.outcome, match.keyIds], ['confirmed', [billingCertificate.keyId]]);
    const blind = matchLeak(leak, inventory, { now: '2027-01-01T00:00:00Z' });
    assert.equal(blind.outcome, 'noMatch');
    assert.match(blind.how, /public key fingerprints/);
  });

  it('calls a certificate without its key probable: it is public by design', () => {
    const leak = createLeak({
      kind: 'certificate',
      source: 'generic',
      thumbprint: TEST_CERTIFICATE.thumbprint,
    });
    const match = matchLeak(leak, inventory, { now: '2027-01-01T00:00:00Z' });
    assert.deepEqual([match.outcome, match.keyIds], ['probable', [billingCertificate.keyId]]);
    assert.match(match.how, /private key was not found/);
  });

  it('reports a key whose certificate credential expired or was removed as stale', () => {
    const leak = keyLeak({ thumbprint: TEST_CERTIFICATE.thumbprint });
    assert.equal(matchLeak(leak, inventory, { now: '2037-01-01T00:00:00Z' }).outcome, 'stale');
    const removed = { ...billingCertificate, removedAt: '2027-02-01T00:00:00Z' };
    assert.equal(matchLeak(leak, [removed], { now: '2027-03-01T00:00:00Z' }).outcome, 'stale');
  });

  it('matches thumbprints written with separators or in lower case', () => {
    const leak = keyLeak({ thumbprint: TEST_CERTIFICATE.thumbprint });
    const written = {
      ...billingCertificate,
      thumbprint: TEST_CERTIFICATE.thumbprint.toLowerCase().replace(/(..)(?!$)/g, '$1:'),
    };
    assert.equal(matchLeak(leak, [written], { now: '2027-01-01T00:00:00Z' }).outcome, 'confirmed');
  });
});

describe('scan to match', () => {
  it('takes the leaked .env secret of the fixture repository to the billing app secret it fits', async () => {
    const scan = await scanPath(leakFixturePath('repo'));
    const leak = scan.leaks.find((l) => l.kind === 'clientSecret' && l.secret?.startsWith('Qx7'));
    assert.ok(leak);
    const match = matchLeak(leak, inventory, { now: '2025-09-01T00:00:00Z', ownerAppIds });
    assert.deepEqual([match.outcome, match.keyIds], ['probable', [billingSecret2024.keyId]]);
  });
});

describe('client secret hashes', () => {
  it('verify the secret they were made from and nothing else', () => {
    const { salt, hash } = hashClientSecret(SECRET);
    assert.equal(verifyClientSecretHash(SECRET, salt, hash), true);
    assert.equal(verifyClientSecretHash(`${SECRET.slice(0, -1)}1`, salt, hash), false);
    assert.equal(verifyClientSecretHash(SECRET, salt, 'AAAA'), false);
  });
});
