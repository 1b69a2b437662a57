import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../domain/index.ts';
import { credentialStatus } from './credential-status.ts';

const NOW = '2026-11-27T12:00:00.000Z';

function secret(overrides: Partial<Credential> = {}): Credential {
  return {
    tenantId: '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14',
    ownerId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
    ownerType: 'application',
    keyId: '3f8b2c71-5d4e-4a96-8b1c-7e2d9f0a6b53',
    type: 'password',
    keyType: 'Password',
    usage: 'Verify',
    displayName: 'ci-deploy',
    hint: 'Qx~',
    thumbprint: null,
    startDateTime: '2026-06-01T00:00:00.000Z',
    endDateTime: '2027-06-01T00:00:00.000Z',
    issuer: null,
    subject: null,
    audiences: null,
    addedAt: '2026-06-01T00:00:00.000Z',
    addedBy: 'ops@contoso.com',
    removedAt: null,
    removedBy: null,
    ...overrides,
  };
}

test('a secret in use is active; unused for 30 days it is unused; a new one is not unused yet', () => {
  assert.equal(credentialStatus(secret(), '2026-11-26T09:00:00.000Z', NOW), 'active');
  assert.equal(credentialStatus(secret(), '2026-10-01T09:00:00.000Z', NOW), 'unused');
  assert.equal(credentialStatus(secret(), null, NOW), 'unused');
  assert.equal(
    credentialStatus(
      secret({ startDateTime: '2026-11-20T00:00:00.000Z', addedAt: '2026-11-20T00:00:00.000Z' }),
      null,
      NOW,
    ),
    'active',
  );
});

test('ending soon, ended and removed win over use, in that order of precedence', () => {
  assert.equal(
    credentialStatus(secret({ endDateTime: '2026-12-10T00:00:00.000Z' }), NOW, NOW),
    'expiringSoon',
  );
  assert.equal(credentialStatus(secret({ endDateTime: '2026-11-01T00:00:00.000Z' }), NOW, NOW), 'expired');
  assert.equal(
    credentialStatus(
      secret({ endDateTime: '2026-11-01T00:00:00.000Z', removedAt: '2026-11-02T00:00:00.000Z' }),
      NOW,
      NOW,
    ),
    'removed',
  );
  // Removal recorded after `now` (a replayed view of the past) does not count yet.
  assert.equal(credentialStatus(secret({ removedAt: '2026-11-28T00:00:00.000Z' }), NOW, NOW), 'active');
});

test('a federated credential has no end and is judged by use', () => {
  const fic = secret({ type: 'federated', endDateTime: null, keyType: null, hint: null });
  assert.equal(credentialStatus(fic, '2026-11-27T11:00:00.000Z', NOW), 'active');
  assert.equal(credentialStatus(fic, null, NOW), 'unused');
});
