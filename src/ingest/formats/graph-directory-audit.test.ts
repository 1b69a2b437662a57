import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { DirectoryAudit, IngestRecord, ParseOutcome } from '../../domain/index.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { parseGraphDirectoryAudit } from './graph-directory-audit.ts';

const DEFAULT_TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const audits = loadFormatFixture('graph-directory-audits.json').items.filter(isJsonObject);

function auditRecord(outcome: ParseOutcome): Extract<IngestRecord, { type: 'audit' }> {
  if (outcome.kind !== 'record' || outcome.record.type !== 'audit') assert.fail(JSON.stringify(outcome));
  return outcome.record;
}

test('an audit without credential changes is normalised in full', () => {
  const { value, credentialChanges } = auditRecord(parseGraphDirectoryAudit(audits[0]!, DEFAULT_TENANT));
  const expected: Partial<DirectoryAudit> = {
    tenantId: DEFAULT_TENANT,
    id: 'Directory_5e2a8c7f-1b4d-4a93-9e06-c7f3b1d8a245_8KJ3W_10482957',
    activityDateTime: '2025-03-12T09:12:40.118Z',
    activityDisplayName: 'Add service principal',
    activity: 'Add service principal',
    category: 'ApplicationManagement',
    operationType: 'Add',
    result: 'success',
    resultReason: null,
    loggedByService: 'Core Directory',
    correlationId: '0a7c3e9f-5d2b-4f81-b6e4-2c8d1a9f7e35',
  };
  assert.deepEqual(
    { ...value, initiatedBy: undefined, targets: undefined, additionalDetails: undefined },
    {
      ...expected,
      initiatedBy: undefined,
      targets: undefined,
      additionalDetails: undefined,
    },
  );
  assert.equal(value.targets[0]?.modifiedProperties.length, 5);
  assert.deepEqual(value.targets[0]?.modifiedProperties[3], {
    displayName: 'ServicePrincipalType',
    oldValue: '[]',
    newValue: '["Application"]',
  });
  assert.equal(value.additionalDetails[0]?.key, 'User-Agent');
  assert.deepEqual(credentialChanges, []);
});

test('a certificate replacing a secret yields one addition and one removal', () => {
  const { credentialChanges } = auditRecord(parseGraphDirectoryAudit(audits[1]!, DEFAULT_TENANT));
  assert.deepEqual(
    credentialChanges.map((c) => [c.change, c.type, c.keyType, c.keyId, c.displayName]),
    [
      [
        'added',
        'certificate',
        'AsymmetricX509Cert',
        '6a1e9d4c-3f7b-4c82-9b05-e2d8a6f3c197',
        'CN=contoso-billing-sync 2025',
      ],
      ['removed', 'password', 'Password', 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48', 'billing-sync-2024'],
    ],
  );
});

test('an app-initiated federated credential addition is attributed to the app', () => {
  const { value, credentialChanges } = auditRecord(parseGraphDirectoryAudit(audits[2]!, DEFAULT_TENANT));
  assert.equal(value.initiatedBy.kind, 'app');
  assert.equal(value.initiatedBy.servicePrincipalId, '5f7a2c9e-3b1d-4e84-a6c0-8d2e9f1b7c35');
  assert.deepEqual(
    credentialChanges.map((c) => [c.change, c.type, c.keyId, c.by]),
    [['added', 'federated', '1a6d3f9c-8e2b-4c71-b5a4-9f0e7d2c6b38', 'Microsoft Graph Command Line Tools']],
  );
});

test('failed and unrelated events produce no credential changes', () => {
  assert.equal(auditRecord(parseGraphDirectoryAudit(audits[3]!, DEFAULT_TENANT)).value.result, 'failure');
  assert.deepEqual(auditRecord(parseGraphDirectoryAudit(audits[3]!, DEFAULT_TENANT)).credentialChanges, []);
  assert.deepEqual(auditRecord(parseGraphDirectoryAudit(audits[4]!, DEFAULT_TENANT)).credentialChanges, []);
});

test('bad audits are quarantined with the field named', () => {
  const a = audits[1]!;
  const cases: [JsonObject, string][] = [
    [{ ...a, id: null }, 'missing id'],
    [
      { ...a, activityDateTime: '2025-03-12' },
      "invalid activityDateTime: expected a timestamp, got string '2025-03-12'",
    ],
    [{ ...a, activityDisplayName: 7 }, 'invalid activityDisplayName: expected a string, got number 7'],
    [
      { ...a, activityDisplayName: '   ' },
      "invalid activityDisplayName: expected a string, got string '   '",
    ],
    [{ ...a, targetResources: [null] }, 'missing targetResources[0]'],
    [
      { ...a, targetResources: [{ id: 'x', modifiedProperties: {} }] },
      'invalid targetResources[0].modifiedProperties: expected an array, got an object',
    ],
    [
      { ...a, initiatedBy: { user: 'alice' } },
      "invalid initiatedBy.user: expected an object, got string 'alice'",
    ],
    [
      { ...a, additionalDetails: 'User-Agent' },
      "invalid additionalDetails: expected an array, got string 'User-Agent'",
    ],
  ];
  for (const [record, expected] of cases) {
    const outcome = parseGraphDirectoryAudit(record, DEFAULT_TENANT);
    assert.deepEqual(outcome, { kind: 'quarantined', format: 'graphDirectoryAudit', reason: expected });
  }
});

test('an actor IP that is not an address is dropped without losing the audit', () => {
  const a = audits[1]!;
  const initiatedBy = {
    user: { id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15', ipAddress: 'unknown' },
    app: null,
  };
  const { value, credentialChanges } = auditRecord(
    parseGraphDirectoryAudit({ ...a, initiatedBy }, DEFAULT_TENANT),
  );
  assert.equal(value.initiatedBy.ipAddress, null);
  assert.equal(credentialChanges.length, 2);
  assert.equal(credentialChanges[0]?.by, 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15');
});
