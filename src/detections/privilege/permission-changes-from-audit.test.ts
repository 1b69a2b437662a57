import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DirectoryAudit } from '../../domain/index.ts';
import { parseEntraDiagnosticRecord } from '../../ingest/formats/entra-diagnostic.ts';
import { makeAuditRecord } from '../../simulate/audit-records.ts';
import { createRandom } from '../../simulate/random.ts';
import { createTenantModel } from '../../simulate/tenant-model.ts';
import { permissionChangesFromAudit } from './permission-changes-from-audit.ts';

const model = createTenantModel({ seed: 40, principals: 6, managedIdentities: 1 });
const at = new Date('2026-09-14T09:30:12.345Z');

/** An export record as the import reads it. */
function read(record: Record<string, unknown>): DirectoryAudit {
  const outcome = parseEntraDiagnosticRecord(record, model.tenantId);
  assert.equal(outcome.kind, 'record');
  if (outcome.kind !== 'record' || outcome.record.type !== 'audit') throw new Error('not an audit');
  return outcome.record.value;
}

/** A role membership event: the member first, with the role in its modified properties. */
function roleEvent(activity: string, memberId: string, memberType: string, role: string): DirectoryAudit {
  const removal = activity.startsWith('Remove');
  const value = (v: string) =>
    removal
      ? { oldValue: JSON.stringify(v), newValue: null }
      : { oldValue: null, newValue: JSON.stringify(v) };
  return read({
    time: '2026-09-15T08:00:00.0000000Z',
    category: 'AuditLogs',
    operationName: activity,
    tenantId: model.tenantId,
    properties: {
      id: `Directory_3b0f6c2e-8d41-4a7f-9e25-6c1d0a7b4e93_K2P9Q_${removal ? 2 : 1}1843345`,
      category: 'RoleManagement',
      correlationId: '3b0f6c2e-8d41-4a7f-9e25-6c1d0a7b4e93',
      result: 'success',
      activityDisplayName: activity,
      activityDateTime: '2026-09-15T08:00:00.0000000+00:00',
      loggedByService: 'Core Directory',
      operationType: removal ? 'Unassign' : 'Assign',
      initiatedBy: {
        user: { id: model.admins[0]!.id, userPrincipalName: model.admins[0]!.userPrincipalName },
      },
      targetResources: [
        {
          id: memberId,
          displayName: 'member',
          type: memberType,
          modifiedProperties: [
            { displayName: 'Role.ObjectID', ...value('5f6e2a0b-7c3d-4e8f-a1b2-9d0c8e7f6a5b') },
            { displayName: 'Role.DisplayName', ...value(role) },
            { displayName: 'Role.TemplateId', ...value('9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3') },
            { displayName: 'Role.WellKnownObjectName', ...value(role.replaceAll(' ', '')) },
          ],
        },
      ],
      additionalDetails: [],
    },
  });
}

test('an app role assignment is a grant to the client principal, not to the resource', () => {
  const record = makeAuditRecord(model, createRandom(3), at, {
    scenario: 'appRoleAssignment',
    principalIndex: 1,
  });
  const [change, ...rest] = permissionChangesFromAudit(read(record));
  assert.equal(rest.length, 0);
  assert.equal(change?.kind, 'appRoleAdded');
  assert.equal(change?.principalId, model.principals[1]!.objectId);
  assert.equal(change?.resourceId, model.resources[0]!.servicePrincipalId);
  assert.match(String(change?.value), /^[A-Za-z]+\.[A-Za-z.]+$/);
  assert.match(String(change?.valueId), /^[0-9a-f-]{36}$/);
  assert.equal(change?.at, '2026-09-14T09:30:12.345Z');
  assert.ok(model.admins.some((a) => a.userPrincipalName === change?.actorName));
});

test('a removal reads the permission from the old value', () => {
  const record = makeAuditRecord(model, createRandom(3), at, {
    scenario: 'appRoleAssignment',
    principalIndex: 1,
  });
  const p = record.properties as {
    activityDisplayName: string;
    targetResources: { modifiedProperties: { oldValue: unknown; newValue: unknown }[] }[];
  };
  p.activityDisplayName = 'Remove app role assignment from service principal';
  for (const t of p.targetResources) {
    for (const mp of t.modifiedProperties) {
      mp.oldValue = mp.newValue;
      mp.newValue = null;
    }
  }
  const [change] = permissionChangesFromAudit(read(record));
  assert.equal(change?.kind, 'appRoleRemoved');
  assert.equal(change?.principalId, model.principals[1]!.objectId);
  assert.ok(change?.value);
});

test('consent names the consenting application and its scopes', () => {
  const p = model.principals.findIndex((x) => x.multiTenant);
  const record = makeAuditRecord(model, createRandom(5), at, { scenario: 'consent', principalIndex: p });
  const [change] = permissionChangesFromAudit(read(record));
  assert.equal(change?.kind, 'consent');
  assert.equal(change?.principalId, model.principals[p]!.objectId);
  assert.match(String(change?.value), /\w+\.\w+/);
});

test('directory role membership of a service principal is read both ways; of a user, not at all', () => {
  const sp = model.principals[2]!.objectId;
  const [added] = permissionChangesFromAudit(
    roleEvent('Add member to role', sp, 'ServicePrincipal', 'Application Administrator'),
  );
  assert.equal(added?.kind, 'directoryRoleAdded');
  assert.equal(added?.principalId, sp);
  assert.equal(added?.value, 'Application Administrator');
  assert.equal(added?.valueId, '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3');
  const [removed] = permissionChangesFromAudit(
    roleEvent('Remove member from role', sp, 'ServicePrincipal', 'Application Administrator'),
  );
  assert.equal(removed?.kind, 'directoryRoleRemoved');
  assert.equal(removed?.value, 'Application Administrator');
  assert.deepEqual(
    permissionChangesFromAudit(
      roleEvent('Add member to role', model.admins[1]!.id, 'User', 'Global Administrator'),
    ),
    [],
  );
});

test('failed events and other activities change nothing', () => {
  const record = makeAuditRecord(model, createRandom(3), at, {
    scenario: 'appRoleAssignment',
    principalIndex: 1,
  });
  (record.properties as { result: string }).result = 'failure';
  assert.deepEqual(permissionChangesFromAudit(read(record)), []);
  const credential = makeAuditRecord(model, createRandom(3), at, { scenario: 'applicationCredentialAdded' });
  assert.deepEqual(permissionChangesFromAudit(read(credential)), []);
});
