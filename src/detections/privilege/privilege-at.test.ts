import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PermissionChange } from '../../domain/index.ts';
import { privilegeAt } from './privilege-at.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const GRAPH = '0b7c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4';

function change(
  kind: PermissionChange['kind'],
  at: string,
  value: string,
  valueId: string | null = null,
): PermissionChange {
  return {
    tenantId: TENANT,
    principalId: SP,
    kind,
    value,
    valueId,
    resourceId: kind.startsWith('appRole') ? GRAPH : null,
    at,
    auditId: `Directory_${at}_${kind}`,
    actorName: 'alice.admin@contoso.onmicrosoft.com',
  };
}

const history = [
  change('appRoleAdded', '2026-09-01T10:00:00.000Z', 'User.Read.All', 'df021288-bdef-4463-88db-98f22de89214'),
  change(
    'appRoleAdded',
    '2026-09-03T10:00:00.000Z',
    'Application.ReadWrite.All',
    '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  ),
  change('appRoleAdded', '2026-09-04T10:00:00.000Z', 'Mail.Send', 'b633e1c5-b582-4048-a93e-9f11b44c7e96'),
  change('directoryRoleAdded', '2026-09-05T10:00:00.000Z', 'Cloud Application Administrator'),
  change(
    'appRoleRemoved',
    '2026-09-06T10:00:00.000Z',
    'Application.ReadWrite.All',
    '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  ),
  change('directoryRoleRemoved', '2026-09-07T10:00:00.000Z', 'Cloud Application Administrator'),
  change('consent', '2026-09-08T10:00:00.000Z', 'Mail.Read'),
];

test('only sensitive permissions make a principal privileged', () => {
  assert.deepEqual(privilegeAt(history, '2026-09-02T00:00:00.000Z'), {
    privileged: false,
    permissions: [],
    roles: [],
  });
});

test('grants count from their instant on, in event order whatever the input order', () => {
  const shuffled = [...history].reverse();
  assert.deepEqual(privilegeAt(shuffled, '2026-09-03T10:00:00.000Z'), {
    privileged: true,
    permissions: ['Application.ReadWrite.All'],
    roles: [],
  });
  assert.deepEqual(privilegeAt(shuffled, '2026-09-05T12:00:00.000Z'), {
    privileged: true,
    permissions: ['Application.ReadWrite.All', 'Mail.Send'],
    roles: ['Cloud Application Administrator'],
  });
});

test('removals take permissions and roles away; consent alone grants no application permission', () => {
  assert.deepEqual(privilegeAt(history, '2026-09-09T00:00:00.000Z'), {
    privileged: true,
    permissions: ['Mail.Send'],
    roles: [],
  });
  const withoutMail = history.filter((c) => c.value !== 'Mail.Send');
  assert.equal(privilegeAt(withoutMail, '2026-09-09T00:00:00.000Z').privileged, false);
});

test('a removal without the id still removes the permission it names', () => {
  const loose = [
    change(
      'appRoleAdded',
      '2026-09-01T10:00:00.000Z',
      'RoleManagement.ReadWrite.Directory',
      '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    ),
    {
      ...change('appRoleRemoved', '2026-09-02T10:00:00.000Z', 'RoleManagement.ReadWrite.Directory'),
      resourceId: null,
    },
  ];
  assert.equal(privilegeAt(loose, '2026-09-01T12:00:00.000Z').privileged, true);
  assert.equal(privilegeAt(loose, '2026-09-03T00:00:00.000Z').privileged, false);
});
