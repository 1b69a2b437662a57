import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessPermissionChanges, type PermissionChangeRecord } from './assess-permission-changes.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17';
const GRAPH = '8f2c6a14-3d9b-4e75-a1c0-7b5e9d2f4a63';

function grant(
  fields: Partial<PermissionChangeRecord> & Pick<PermissionChangeRecord, 'kind' | 'auditId'>,
): PermissionChangeRecord {
  return {
    tenantId: TENANT,
    principalId: SP,
    value: 'User.Read.All',
    valueId: 'df021288-bdef-4463-88db-98f22de89214',
    resourceId: GRAPH,
    at: '2026-11-21T16:45:03.000Z',
    actorName: 'mallory.jones@contoso.com',
    actor: { kind: 'user', name: 'mallory.jones@contoso.com', id: 'f3a9c1d7-2e4b-4c8a-9d6f-1b7e3a5c9d20' },
    activity: 'Add app role assignment to service principal',
    ...fields,
  };
}

test('ordinary grants and removals are listed, nothing found', () => {
  const answer = assessPermissionChanges(
    [
      grant({ kind: 'appRoleAdded', auditId: 'Directory_1' }),
      grant({ kind: 'appRoleRemoved', auditId: 'Directory_2', value: 'Mail.Read' }),
    ],
    [],
  );
  assert.equal(answer.verdict, 'nothingFound');
  assert.equal(answer.evidenceCount, 2);
  assert.deepEqual(answer.evidence[0]!.sensitivePermissions, []);
});

test('a sensitive application permission or a directory role gained is suspicious, named', () => {
  const answer = assessPermissionChanges(
    [
      grant({
        kind: 'appRoleAdded',
        auditId: 'Directory_3',
        value: 'RoleManagement.ReadWrite.Directory',
        valueId: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
      }),
      grant({
        kind: 'directoryRoleAdded',
        auditId: 'Directory_4',
        value: 'Privileged Role Administrator',
        valueId: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
        activity: 'Add member to role',
      }),
      grant({ kind: 'consent', auditId: 'Directory_5', value: 'Mail.Read User.Read.All' }),
    ],
    [],
  );
  assert.equal(answer.verdict, 'suspicious');
  assert.deepEqual(
    answer.evidence.map((e) => [e.kind, e.sensitivePermissions, e.reasons]),
    [
      ['appRoleAdded', ['RoleManagement.ReadWrite.Directory'], ['sensitivePermissionGranted']],
      ['directoryRoleAdded', ['Privileged Role Administrator'], ['directoryRoleGranted']],
      ['consent', ['Mail.Read'], ['sensitivePermissionGranted']],
    ],
  );
  assert.match(answer.evidence[0]!.description, /by mallory\.jones@contoso\.com — sensitive: RoleManagement/);
  assert.match(
    answer.summary,
    /Gained RoleManagement\.ReadWrite\.Directory, Privileged Role Administrator, Mail\.Read/,
  );
});

test('a sensitive grant the principal then acts with is confirmed', () => {
  const answer = assessPermissionChanges(
    [grant({ kind: 'appRoleAdded', auditId: 'Directory_6', value: 'AppRoleAssignment.ReadWrite.All' })],
    [
      { auditId: 'Directory_early', at: '2026-11-21T10:00:00.000Z', activity: 'Update application' },
      { auditId: 'Directory_7', at: '2026-11-21T17:02:40.000Z', activity: 'Add member to role' },
    ],
  );
  assert.equal(answer.verdict, 'confirmed');
  assert.match(
    answer.evidence[0]!.description,
    /then the principal itself made 1 directory change, first Add member to role/,
  );
});
