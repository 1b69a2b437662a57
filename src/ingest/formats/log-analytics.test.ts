import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { DirectoryAudit, IngestRecord, ParseOutcome, SignIn } from '../../domain/index.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { parseLogAnalyticsRow } from './log-analytics.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const DEFAULT_TENANT = '11111111-2222-4333-8444-555555555555';
const WORKSPACE = 'e2b97c41-0d6a-4f38-b915-8a3c2f7d6e05';

function rows(name: string): JsonObject[] {
  return loadFormatFixture(name).items.filter(isJsonObject);
}

function record(outcome: ParseOutcome): IngestRecord {
  if (outcome.kind !== 'record') assert.fail(`expected a record, got ${JSON.stringify(outcome)}`);
  return outcome.record;
}

function signIn(outcome: ParseOutcome): SignIn {
  const r = record(outcome);
  assert.equal(r.type, 'signIn');
  return r.value as SignIn;
}

function reason(outcome: ParseOutcome): string {
  if (outcome.kind !== 'quarantined') assert.fail(`expected quarantine, got ${outcome.kind}`);
  return outcome.reason;
}

test('service principal rows: LocationDetails as JSON text, ResultType as text, workspace TenantId ignored', () => {
  const [ok] = rows('log-analytics-rows.ndjson');
  const s = signIn(parseLogAnalyticsRow(ok!, DEFAULT_TENANT));
  assert.equal(s.tenantId, DEFAULT_TENANT);
  assert.notEqual(s.tenantId, WORKSPACE);
  assert.equal(s.id, '1f7c4e9a-2b6d-4a83-8e15-9c3f0a7d5b62');
  assert.equal(s.createdAt, '2025-03-11T15:10:03.221Z');
  assert.equal(s.kind, 'servicePrincipal');
  assert.equal(s.servicePrincipalId, 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93');
  assert.deepEqual([s.country, s.state, s.city], ['NL', 'Noord-Holland', 'Amsterdam']);
  assert.equal(s.resourceId, '00000003-0000-0000-c000-000000000000');
  assert.equal(s.credentialKeyId, 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48');
  assert.equal(s.statusCode, 0);
  assert.equal(s.failureReason, null);
  assert.equal(s.appliedPolicies, null);
});

test('a US-locale TimeGenerated is read as UTC, and the failure text is kept', () => {
  const [, failed] = rows('log-analytics-rows.ndjson');
  const s = signIn(parseLogAnalyticsRow(failed!, DEFAULT_TENANT));
  assert.equal(s.createdAt, '2025-03-11T15:14:52.000Z');
  assert.equal(s.statusCode, 7000215);
  assert.match(s.failureReason ?? '', /^Invalid client secret provided/);
  assert.equal(s.ipAddress, '34.90.211.7');
});

test('managed identity rows with an empty IP and location are valid', () => {
  const [, , mi] = rows('log-analytics-rows.ndjson');
  const s = signIn(parseLogAnalyticsRow(mi!, DEFAULT_TENANT));
  assert.equal(s.kind, 'managedIdentity');
  assert.equal(s.ipAddress, null);
  assert.deepEqual([s.country, s.state, s.city], [null, null, null]);
  assert.equal(s.credentialType, 'managedIdentity');
  assert.equal(s.conditionalAccessStatus, null);
});

test('AuditLogs rows: InitiatedBy and TargetResources as JSON text, AADTenantId as tenant', () => {
  const [, , , added, removed, user] = rows('log-analytics-rows.ndjson');
  const a = record(parseLogAnalyticsRow(added!, DEFAULT_TENANT));
  assert.ok(a.type === 'audit');
  const audit: DirectoryAudit = a.value;
  assert.equal(audit.tenantId, TENANT);
  assert.equal(audit.id, 'Directory_3b9e7d1c-5a2f-4c84-8e06-d1a4f7c2b953_H2QLA_20417336');
  assert.equal(audit.operationType, 'Update');
  assert.equal(audit.initiatedBy.userPrincipalName, 'bob.okafor@contoso.com');
  assert.equal(audit.initiatedBy.ipAddress, '86.24.199.5');
  assert.equal(audit.targets[0]?.type, 'ServicePrincipal');
  assert.equal(audit.additionalDetails[0]?.key, 'User-Agent');
  assert.deepEqual(
    a.credentialChanges.map((c) => [c.change, c.type, c.keyId, c.by]),
    [['added', 'password', '7c1e4a95-2b6d-4f38-8e07-c3a9d5f1b264', 'bob.okafor@contoso.com']],
  );

  const r = record(parseLogAnalyticsRow(removed!, DEFAULT_TENANT));
  assert.ok(r.type === 'audit');
  assert.deepEqual(
    r.credentialChanges.map((c) => [c.change, c.keyId]),
    [['removed', '2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26']],
  );

  assert.deepEqual(parseLogAnalyticsRow(user!, DEFAULT_TENANT), {
    kind: 'skipped',
    format: 'logAnalytics',
    category: 'SigninLogs',
  });
});

test('a JSON array export with dynamic columns already as objects reads the same way', () => {
  const [federated, blocked, nonInteractive, audit] = rows('log-analytics-export.json');
  const f = signIn(parseLogAnalyticsRow(federated!, DEFAULT_TENANT));
  assert.equal(f.federatedCredentialId, 'f3a8c6e2-1b7d-4e95-a4c0-6d2f8b1e9a37');
  assert.equal(f.city, 'San Antonio');
  assert.equal(
    JSON.parse(f.appliedPolicies ?? 'null')[0].displayName,
    'WI: require trusted locations for deployment identities',
  );

  const b = signIn(parseLogAnalyticsRow(blocked!, DEFAULT_TENANT));
  assert.equal(b.statusCode, 53003);
  assert.equal(b.conditionalAccessStatus, 'failure');
  assert.equal(b.country, 'BE');

  assert.equal(parseLogAnalyticsRow(nonInteractive!, DEFAULT_TENANT).kind, 'skipped');

  const a = record(parseLogAnalyticsRow(audit!, DEFAULT_TENANT));
  assert.ok(a.type === 'audit');
  assert.equal(a.value.activity, 'Update application - Certificates and secrets management');
  assert.deepEqual(
    a.credentialChanges.map((c) => [c.change, c.keyId, c.displayName]),
    [['removed', '0d4c8e27-6b1f-4a93-9e58-3a7f2c1b6d04', 'CN=contoso-billing-sync, O=Contoso Ltd']],
  );
});

test('rows projected without Type are recognised by Category or activity name', () => {
  const [ok, , , added] = rows('log-analytics-rows.ndjson');
  const { Type: _sp, ...spRow } = ok!;
  assert.equal(signIn(parseLogAnalyticsRow(spRow, DEFAULT_TENANT)).kind, 'servicePrincipal');
  const { Type: _audit, ...auditRow } = added!;
  assert.equal(record(parseLogAnalyticsRow(auditRow, DEFAULT_TENANT)).type, 'audit');
  assert.equal(
    reason(parseLogAnalyticsRow({ TimeGenerated: '2025-03-11T15:10:03Z' }, DEFAULT_TENANT)),
    'unrecognised Log Analytics row: no Type, Category or ActivityDisplayName column',
  );
});

test('bad rows are quarantined with the column named', () => {
  const [ok, , , added] = rows('log-analytics-rows.ndjson');
  const cases: [JsonObject, string][] = [
    [{ ...ok!, LocationDetails: '{"city":"Amst' }, 'invalid LocationDetails: text is not valid JSON'],
    [{ ...ok!, ResultType: 'OK' }, "invalid ResultType: expected an integer, got string 'OK'"],
    [{ ...ok!, ResultType: undefined }, 'missing ResultType'],
    [{ ...ok!, ServicePrincipalId: '' }, 'missing ServicePrincipalId'],
    [
      { ...ok!, TimeGenerated: '13/11/2025 3:14:52 PM' },
      "invalid TimeGenerated: expected a timestamp, got string '13/11/2025 3:14:52 PM'",
    ],
    [
      { ...ok!, IPAddress: '075.050.255.67x' },
      "invalid IPAddress: expected an IP address, got string '075.050.255.67x'",
    ],
    [{ ...ok!, Id: undefined }, 'missing Id'],
    [
      { ...ok!, ConditionalAccessPolicies: '[{' },
      'invalid ConditionalAccessPolicies: text is not valid JSON',
    ],
    [{ ...added!, TargetResources: '[{"id":' }, 'invalid TargetResources: text is not valid JSON'],
    [
      { ...added!, TargetResources: '{"id":"x"}' },
      'invalid TargetResources: expected an array, got an object',
    ],
    [{ ...added!, InitiatedBy: '[]' }, 'invalid InitiatedBy: expected an object, got an array'],
    [
      { ...added!, ActivityDateTime: 'never' },
      "invalid ActivityDateTime: expected a timestamp, got string 'never'",
    ],
  ];
  for (const [row, expected] of cases)
    assert.equal(reason(parseLogAnalyticsRow(row, DEFAULT_TENANT)), expected);
});

test('anonymised IPv4 with leading zeros is normalised, not quarantined', () => {
  const [ok] = rows('log-analytics-rows.ndjson');
  assert.equal(
    signIn(parseLogAnalyticsRow({ ...ok!, IPAddress: '075.050.255.67' }, DEFAULT_TENANT)).ipAddress,
    '75.50.255.67',
  );
});
