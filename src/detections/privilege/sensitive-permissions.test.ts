import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPrivilegedDirectoryRole, isSensitivePermission } from './sensitive-permissions.ts';

test('tenant takeover permissions and data-wide access are sensitive, by value and prefix', () => {
  for (const p of [
    'RoleManagement.ReadWrite.Directory',
    'AppRoleAssignment.ReadWrite.All',
    'Application.ReadWrite.All',
    'Application.ReadWrite.OwnedBy',
    'Directory.ReadWrite.All',
    'Mail.Read',
    'Mail.Send',
    'Files.ReadWrite.All',
    'Sites.FullControl.All',
    'full_access_as_app',
    'application.readwrite.all',
  ]) {
    assert.ok(isSensitivePermission(p), p);
  }
});

test('read-only directory permissions and look-alike names are not', () => {
  for (const p of [
    'User.Read.All',
    'Directory.Read.All',
    'Application.Read.All',
    'MailboxSettings.Read',
    'Sites.Read.All',
    'Mailer.Send',
  ]) {
    assert.ok(!isSensitivePermission(p), p);
  }
});

test('privileged directory roles are named without regard to case', () => {
  assert.ok(isPrivilegedDirectoryRole('Global Administrator'));
  assert.ok(isPrivilegedDirectoryRole('cloud application administrator'));
  assert.ok(!isPrivilegedDirectoryRole('Reports Reader'));
});
