import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { ParseOutcome, SignIn } from '../../domain/index.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { parseEntraDiagnosticRecord } from './entra-diagnostic.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const DEFAULT_TENANT = '11111111-2222-4333-8444-555555555555';

function records(name: string): JsonObject[] {
  return loadFormatFixture(name).items.filter(isJsonObject);
}

function signIn(outcome: ParseOutcome): SignIn {
  assert.equal(outcome.kind, 'record', outcome.kind === 'quarantined' ? outcome.reason : undefined);
  assert.ok(outcome.kind === 'record' && outcome.record.type === 'signIn');
  return outcome.record.value;
}

function reason(outcome: ParseOutcome): string {
  assert.equal(outcome.kind, 'quarantined');
  return outcome.kind === 'quarantined' ? outcome.reason : '';
}

test('a storage PT1H.json client-secret sign-in is normalised', () => {
  const [first] = records('storage-pt1h-service-principal-sign-ins.json');
  assert.deepEqual(signIn(parseEntraDiagnosticRecord(first!, DEFAULT_TENANT)), {
    tenantId: TENANT,
    id: '8d3e6a1f-2b7c-4e59-9a04-6f1c3d8b2e71',
    kind: 'servicePrincipal',
    createdAt: '2025-03-11T14:02:17.482Z',
    servicePrincipalId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
    servicePrincipalName: 'contoso-billing-sync',
    appId: '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
    ipAddress: '20.42.65.90',
    asn: 8075,
    asOrg: null,
    country: 'NL',
    state: 'Noord-Holland',
    city: 'Amsterdam',
    hosting: null,
    hostingProvider: null,
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: '0f3e9b27-5c81-4a6d-9e24-7b3c1d8f5a06',
    userAgent: null,
    credentialType: 'clientSecret',
    credentialKeyId: 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode: 0,
    failureReason: null,
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: 'a3f7c1e9-5d2b-4a86-8e40-7b9c3d1f6a52',
    correlationId: '1e5b9d37-6c2a-4f84-b0e9-3d7a1c5f8e26',
    msiType: null,
    associatedResourceId: null,
  });
});

test('certificate sign-ins keep the thumbprint upper-case; failures keep code, reason and CA policies', () => {
  const [, cert, expired, user, federated] = records('storage-pt1h-service-principal-sign-ins.json');
  const c = signIn(parseEntraDiagnosticRecord(cert!, DEFAULT_TENANT));
  assert.equal(c.createdAt, '2025-03-11T14:05:41.109Z');
  assert.equal(c.credentialType, 'certificate');
  assert.equal(c.credentialThumbprint, '9F2C4A7B1E8D3F6A0C5B2E9D7A4F1C8B3E6D0A92');

  const e = signIn(parseEntraDiagnosticRecord(expired!, DEFAULT_TENANT));
  assert.equal(e.statusCode, 7000222);
  assert.match(e.failureReason ?? '', /client secret keys .* are expired/);
  assert.equal(e.conditionalAccessStatus, 'notApplied');
  assert.equal(JSON.parse(e.appliedPolicies ?? '[]')[0].result, 'reportOnlyFailure');
  assert.equal(e.country, 'US');

  assert.deepEqual(parseEntraDiagnosticRecord(user!, DEFAULT_TENANT), {
    kind: 'skipped',
    format: 'entraDiagnostic',
    category: 'SignInLogs',
  });

  const f = signIn(parseEntraDiagnosticRecord(federated!, DEFAULT_TENANT));
  assert.equal(f.credentialType, 'federatedIdentityCredential');
  assert.equal(f.federatedCredentialId, 'f3a8c6e2-1b7d-4e95-a4c0-6d2f8b1e9a37');
});

test('Event Hub managed identity sign-ins: an empty IP and all-empty location are valid and null', () => {
  const [system, user] = records('event-hub-message.json');
  const s = signIn(parseEntraDiagnosticRecord(system!, DEFAULT_TENANT));
  assert.equal(s.kind, 'managedIdentity');
  assert.equal(s.ipAddress, null);
  assert.deepEqual([s.country, s.state, s.city, s.asn], [null, null, null, null]);
  assert.equal(s.msiType, 'systemAssigned');
  assert.equal(
    s.associatedResourceId,
    '/subscriptions/0b7e3c5a-9d2f-4e81-a6c4-3f8b1d7e2a90/resourceGroups/rg-invoice-prod/providers/Microsoft.Web/sites/func-invoice-prod',
  );
  assert.equal(s.credentialType, 'managedIdentity');

  const u = signIn(parseEntraDiagnosticRecord(user!, DEFAULT_TENANT));
  assert.equal(u.msiType, 'userAssigned');
  assert.equal(u.ipAddress, '20.61.18.144');
  assert.equal(u.resourceName, 'Azure Storage');
});

test('Event Hub audit records yield the audit and its credential changes', () => {
  const [, , rotation, secret] = records('event-hub-message.json');
  const r = parseEntraDiagnosticRecord(rotation!, DEFAULT_TENANT);
  assert.ok(r.kind === 'record' && r.record.type === 'audit');
  assert.equal(r.record.value.tenantId, TENANT);
  assert.equal(r.record.value.activityDateTime, '2025-03-11T16:35:12.771Z');
  assert.equal(r.record.value.initiatedBy.kind, 'app');
  assert.deepEqual(
    r.record.credentialChanges.map((c) => [c.change, c.type, c.keyId, c.ownerId, c.by]),
    [
      [
        'added',
        'certificate',
        '9d2c6f48-1b5e-4a73-8f09-4e7a3c1d6b52',
        'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58',
        'Managed Service Identity',
      ],
    ],
  );

  const s = parseEntraDiagnosticRecord(secret!, DEFAULT_TENANT);
  assert.ok(s.kind === 'record' && s.record.type === 'audit');
  assert.equal(
    s.record.value.activityDisplayName,
    'Update application – Certificates and secrets management ',
  );
  assert.equal(s.record.value.activity, 'Update application - Certificates and secrets management');
  assert.deepEqual(s.record.value.initiatedBy, {
    kind: 'user',
    id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
    displayName: null,
    userPrincipalName: 'alice.wong@contoso.com',
    appId: null,
    servicePrincipalId: null,
    ipAddress: '81.164.102.37',
  });
  assert.deepEqual(
    s.record.credentialChanges.map((c) => [c.change, c.type, c.keyId, c.displayName, c.ownerType]),
    [['added', 'password', 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70', 'billing-sync-2025', 'application']],
  );
});

test('the tenant comes from the record, then its resourceId, then the default', () => {
  const [first] = records('storage-pt1h-service-principal-sign-ins.json');
  const noTenant = { ...first!, tenantId: undefined };
  assert.equal(signIn(parseEntraDiagnosticRecord(noTenant, DEFAULT_TENANT)).tenantId, TENANT);
  const neither = { ...noTenant, resourceId: undefined };
  assert.equal(signIn(parseEntraDiagnosticRecord(neither, DEFAULT_TENANT)).tenantId, DEFAULT_TENANT);
  assert.equal(
    reason(parseEntraDiagnosticRecord({ ...first!, tenantId: 'contoso' }, DEFAULT_TENANT)),
    "invalid tenantId: expected a GUID, got string 'contoso'",
  );
});

test('envelope time and resultType stand in for missing createdDateTime and status', () => {
  const [, , expired] = records('storage-pt1h-service-principal-sign-ins.json');
  const properties = {
    ...(expired!.properties as JsonObject),
    createdDateTime: undefined,
    status: undefined,
  };
  const s = signIn(parseEntraDiagnosticRecord({ ...expired!, properties }, DEFAULT_TENANT));
  assert.equal(s.createdAt, '2025-03-11T14:09:03.771Z');
  assert.equal(s.statusCode, 7000222);
  assert.equal(s.failureReason, null);
});

test('bad records are quarantined with a reason naming the field', () => {
  const [first] = records('storage-pt1h-service-principal-sign-ins.json');
  const p = first!.properties as JsonObject;
  const cases: [JsonObject, string][] = [
    [{ ...first!, properties: 'oops' }, "invalid properties: expected an object, got string 'oops'"],
    [{ ...first!, properties: undefined }, 'missing properties'],
    [{ ...first!, category: 42 }, 'invalid category: expected a string, got number 42'],
    [{ ...first!, properties: { ...p, id: '' } }, 'missing id'],
    [{ ...first!, properties: { ...p, servicePrincipalId: '' } }, 'missing servicePrincipalId'],
    [
      { ...first!, properties: { ...p, servicePrincipalId: 'billing' } },
      "invalid servicePrincipalId: expected a GUID, got string 'billing'",
    ],
    [
      { ...first!, properties: { ...p, createdDateTime: '2025-02-30T10:00:00Z' } },
      "invalid createdDateTime: expected a timestamp, got string '2025-02-30T10:00:00Z'",
    ],
    [
      { ...first!, properties: { ...p, status: { errorCode: 'abc' } } },
      "invalid status.errorCode: expected an integer, got string 'abc'",
    ],
    [
      { ...first!, properties: { ...p, ipAddress: '20.42.65.900' } },
      "invalid ipAddress: expected an IP address, got string '20.42.65.900'",
    ],
    [
      { ...first!, properties: { ...p, location: 'NL' } },
      "invalid location: expected an object, got string 'NL'",
    ],
  ];
  for (const [record, expected] of cases)
    assert.equal(reason(parseEntraDiagnosticRecord(record, DEFAULT_TENANT)), expected);
});

test('other categories are skipped by name without looking at their payload', () => {
  for (const category of ['NonInteractiveUserSignInLogs', 'ProvisioningLogs', 'ServicePrincipalRiskEvents']) {
    assert.deepEqual(parseEntraDiagnosticRecord({ time: '2025-03-11T14:00:00Z', category }, DEFAULT_TENANT), {
      kind: 'skipped',
      format: 'entraDiagnostic',
      category,
    });
  }
});
