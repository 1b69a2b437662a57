import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { IngestRecord, ParseOutcome } from '../../domain/index.ts';
import { isJsonObject } from '../normalise/is-json-object.ts';
import {
  parseGraphApplication,
  parseGraphServicePrincipal,
  thumbprintFromCustomKeyIdentifier,
} from './graph-inventory.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const sps = loadFormatFixture('graph-service-principals-page.json').items.filter(isJsonObject);
const apps = loadFormatFixture('graph-applications-page.json').items.filter(isJsonObject);

function sp(outcome: ParseOutcome): Extract<IngestRecord, { type: 'servicePrincipal' }> {
  if (outcome.kind !== 'record' || outcome.record.type !== 'servicePrincipal')
    assert.fail(JSON.stringify(outcome));
  return outcome.record;
}
function app(outcome: ParseOutcome): Extract<IngestRecord, { type: 'application' }> {
  if (outcome.kind !== 'record' || outcome.record.type !== 'application')
    assert.fail(JSON.stringify(outcome));
  return outcome.record;
}

test('an application service principal with a certificate and a secret', () => {
  const { value, credentials } = sp(parseGraphServicePrincipal(sps[0]!, TENANT));
  assert.deepEqual(value, {
    tenantId: TENANT,
    id: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
    appId: '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
    displayName: 'contoso-billing-sync',
    kind: 'application',
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: TENANT,
    accountEnabled: true,
    createdAt: '2023-06-14T09:21:37.000Z',
    source: 'inventory',
  });
  assert.deepEqual(credentials, [
    {
      tenantId: TENANT,
      ownerId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
      ownerType: 'servicePrincipal',
      keyId: '5b9f3e61-2a7c-4d84-b0f9-8e1c6d3a7b25',
      type: 'certificate',
      keyType: 'AsymmetricX509Cert',
      usage: 'Verify',
      displayName: 'CN=contoso-billing-sync',
      hint: null,
      // customKeyIdentifier is base64 of the thumbprint bytes; sign-ins report the same thumbprint as hex.
      thumbprint: '9F2C4A7B1E8D3F6A0C5B2E9D7A4F1C8B3E6D0A92',
      startDateTime: '2025-06-14T09:11:00.000Z',
      endDateTime: '2026-06-14T09:11:00.000Z',
      issuer: null,
      subject: null,
      audiences: null,
      addedAt: null,
      addedBy: null,
      removedAt: null,
      removedBy: null,
    },
    {
      tenantId: TENANT,
      ownerId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
      ownerType: 'servicePrincipal',
      keyId: 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
      type: 'password',
      keyType: 'Password',
      usage: null,
      displayName: 'billing-sync-2024',
      hint: 'Qx7',
      thumbprint: null,
      startDateTime: '2024-07-01T08:30:12.629Z',
      endDateTime: '2025-12-31T23:00:00.000Z',
      issuer: null,
      subject: null,
      audiences: null,
      addedAt: null,
      addedBy: null,
      removedAt: null,
      removedBy: null,
    },
  ]);
});

test('managed identity, multi-tenant and legacy service principals', () => {
  const mi = sp(parseGraphServicePrincipal(sps[1]!, TENANT));
  assert.equal(mi.value.kind, 'managedIdentity');
  assert.equal(mi.credentials[0]?.thumbprint, '4E7A1C9F3B2D8E6A0F5C1B7D9E3A2C8F6B4D1E07');

  const foreign = sp(parseGraphServicePrincipal(sps[2]!, TENANT));
  // The owning organisation is recorded, but the row belongs to the tenant being imported.
  assert.equal(foreign.value.tenantId, TENANT);
  assert.equal(foreign.value.appOwnerOrganizationId, '9a4e7c12-3b8f-4d61-a2c5-0f7e3d9b1a48');

  const legacy = sp(parseGraphServicePrincipal(sps[3]!, TENANT));
  assert.equal(legacy.value.kind, 'other');
  assert.equal(legacy.value.createdAt, null);
  assert.equal(legacy.credentials[0]?.keyType, 'Symmetric');
});

test('without servicePrincipalType, an Azure resource id among the names marks a managed identity', () => {
  const { servicePrincipalType: _t, ...mi } = sps[1]!;
  assert.equal(
    sp(
      parseGraphServicePrincipal(
        { ...mi, servicePrincipalNames: [mi.appId, '/subscriptions/0b7e/x'] },
        TENANT,
      ),
    ).value.kind,
    'managedIdentity',
  );
  const { servicePrincipalType: _u, ...plain } = sps[0]!;
  assert.equal(sp(parseGraphServicePrincipal(plain, TENANT)).value.kind, 'application');
});

test('applications carry secrets, certificates and federated identity credentials', () => {
  const billing = app(parseGraphApplication(apps[0]!, TENANT));
  assert.equal(billing.value.signInAudience, 'AzureADMyOrg');
  assert.deepEqual(
    billing.credentials.map((c) => [c.type, c.keyId, c.hint, c.ownerType]),
    [
      ['certificate', '5b9f3e61-2a7c-4d84-b0f9-8e1c6d3a7b25', null, 'application'],
      ['password', 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48', 'Qx7', 'application'],
      ['password', 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70', 'm2L', 'application'],
    ],
  );
  const deploy = app(parseGraphApplication(apps[1]!, TENANT));
  const [fic] = deploy.credentials;
  assert.equal(fic?.type, 'federated');
  assert.equal(fic?.keyId, 'f3a8c6e2-1b7d-4e95-a4c0-6d2f8b1e9a37');
  assert.equal(fic?.displayName, 'github-infra-production');
  assert.equal(fic?.issuer, 'https://token.actions.githubusercontent.com');
  assert.equal(fic?.subject, 'repo:contoso/infra:environment:production');
  assert.equal(fic?.audiences, '["api://AzureADTokenExchange"]');
});

test('inventory objects without usable ids are quarantined with the field named', () => {
  assert.deepEqual(parseGraphServicePrincipal({ ...sps[0]!, id: 'contoso-billing-sync' }, TENANT), {
    kind: 'quarantined',
    format: 'graphServicePrincipal',
    reason: "invalid id: expected a GUID, got string 'contoso-billing-sync'",
  });
  assert.deepEqual(parseGraphApplication({ ...apps[0]!, appId: undefined }, TENANT), {
    kind: 'quarantined',
    format: 'graphApplication',
    reason: 'missing appId',
  });
  assert.deepEqual(
    parseGraphServicePrincipal({ ...sps[0]!, passwordCredentials: [{ hint: 'Qx7' }] }, TENANT),
    {
      kind: 'quarantined',
      format: 'graphServicePrincipal',
      reason: 'missing passwordCredentials[0].keyId',
    },
  );
  assert.deepEqual(parseGraphServicePrincipal({ ...sps[0]!, keyCredentials: {} }, TENANT), {
    kind: 'quarantined',
    format: 'graphServicePrincipal',
    reason: 'invalid keyCredentials: expected an array, got an object',
  });
});

test('customKeyIdentifier thumbprints in the forms tools write them', () => {
  const hex = '9F2C4A7B1E8D3F6A0C5B2E9D7A4F1C8B3E6D0A92';
  assert.equal(thumbprintFromCustomKeyIdentifier(Buffer.from(hex, 'hex').toString('base64')), hex);
  assert.equal(thumbprintFromCustomKeyIdentifier(hex.toLowerCase()), hex);
  assert.equal(thumbprintFromCustomKeyIdentifier(Buffer.from(hex).toString('base64')), hex);
  assert.equal(thumbprintFromCustomKeyIdentifier(Buffer.from('my-key').toString('base64')), null);
  assert.equal(thumbprintFromCustomKeyIdentifier(null), null);
});
