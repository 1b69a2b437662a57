import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withImpliedPermissions } from './permissions.ts';
import {
  permissionsOfRoles,
  type Role,
  roleOfTemplateId,
  rolePermissions,
  roles,
  roleTemplateIds,
} from './roles.ts';

const READS = [
  'Application.Read.All',
  'AuditLog.Read.All',
  'IdentityRiskEvent.Read.All',
  'IdentityRiskyServicePrincipal.Read.All',
  'Policy.Read.All',
];

const expected: Record<Role, string[]> = {
  ingest: ['Ingest.Write', 'Metrics.Read'],
  'security-reader': [...READS, 'Metrics.Read'],
  'security-operator': [...READS, 'Metrics.Read'],
  'global-reader': [...READS, 'Metrics.Read'],
  'security-administrator': [
    ...READS,
    'IdentityRiskyServicePrincipal.ReadWrite.All',
    'Application.ReadWrite.All',
    'Ingest.Write',
    'Metrics.Read',
    'Policy.ReadWrite.ConditionalAccess',
    'Authz.Decide',
    'DiagnosticSettings.ReadWrite.All',
  ],
  'global-administrator': [
    ...READS,
    'IdentityRiskyServicePrincipal.ReadWrite.All',
    'Application.ReadWrite.All',
    'Ingest.Write',
    'Metrics.Read',
    'Policy.ReadWrite.ConditionalAccess',
    'Authz.Decide',
    'DiagnosticSettings.ReadWrite.All',
  ],
  'conditional-access-administrator': [
    'Application.Read.All',
    'Policy.Read.All',
    'Policy.ReadWrite.ConditionalAccess',
  ],
  'application-administrator': ['Application.Read.All', 'Application.ReadWrite.All'],
  gateway: ['Authz.Decide'],
};

for (const role of roles) {
  test(`${role} grants exactly its permissions`, () => {
    assert.deepEqual([...permissionsOfRoles([role])].sort(), [...expected[role]].sort());
  });
}

test('every role that may write may also read what it writes', () => {
  for (const role of roles) {
    const granted = rolePermissions[role];
    assert.deepEqual([...withImpliedPermissions(granted)].sort(), [...granted].sort(), role);
  }
});

test('risk writes are for Security and Global Administrators only', () => {
  const writers = roles.filter((r) =>
    permissionsOfRoles([r]).has('IdentityRiskyServicePrincipal.ReadWrite.All'),
  );
  assert.deepEqual(writers, ['security-administrator', 'global-administrator']);
});

test('credential changes are for Security, Global and Application Administrators only', () => {
  const writers = roles.filter((r) => permissionsOfRoles([r]).has('Application.ReadWrite.All'));
  assert.deepEqual(writers, ['security-administrator', 'global-administrator', 'application-administrator']);
});

test('directory role template ids (wids) map to their roles, in any case', () => {
  assert.equal(roleOfTemplateId('62e90394-69f5-4237-9190-012177145e10'), 'global-administrator');
  assert.equal(roleOfTemplateId('194AE4CB-B126-40B2-BD5B-6091B380977D'), 'security-administrator');
  assert.equal(roleOfTemplateId('5f2222b1-57c3-48ba-8ad5-d4759f1fde6f'), 'security-operator');
  assert.equal(roleOfTemplateId('5d6b6bb7-de71-4623-b4af-96380a352509'), 'security-reader');
  assert.equal(roleOfTemplateId('f2ef992c-3afb-46b9-b7cf-a126ee74c451'), 'global-reader');
  assert.equal(roleOfTemplateId('b1be1c3e-b65d-4f19-8427-f6fa0d97feb9'), 'conditional-access-administrator');
  assert.equal(roleOfTemplateId('9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3'), 'application-administrator');
  // The default member role every user holds grants nothing here.
  assert.equal(roleOfTemplateId('b79fbf4d-3ef9-4689-8143-76b194e85509'), undefined);
  assert.deepEqual(
    Object.keys(roleTemplateIds).sort(),
    roles.filter((r) => r !== 'ingest' && r !== 'gateway').sort(),
  );
});
