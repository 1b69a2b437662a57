import type { PermissionChange, Privilege } from '../../domain/index.ts';
import { isSensitivePermission } from './sensitive-permissions.ts';

/** Changes in the order they happened; the audit id breaks ties so the outcome never depends on input order. */
function inEventOrder(changes: readonly PermissionChange[]): PermissionChange[] {
  return [...changes].sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : a.auditId < b.auditId ? -1 : a.auditId > b.auditId ? 1 : 0,
  );
}

/** An app role is one permission of one resource; the id identifies it when the event names it. */
function appRoleKey(c: PermissionChange): string {
  return `${c.resourceId ?? ''}|${c.valueId ?? c.value?.toLowerCase() ?? ''}`;
}

function roleKey(c: PermissionChange): string {
  return c.valueId ?? c.value?.toLowerCase() ?? '';
}

/**
 * What one principal holds at `at` (changes at that instant included), replaying its permission
 * changes in event order: sensitive application permissions still assigned, and directory roles
 * still held. Only what the audit log recorded is known: a grant older than the imported history
 * is not seen.
 */
export function privilegeAt(grants: readonly PermissionChange[], at: string): Privilege {
  const appRoles = new Map<string, PermissionChange>();
  const roles = new Map<string, string>();
  for (const c of inEventOrder(grants)) {
    if (c.at > at) break;
    switch (c.kind) {
      case 'appRoleAdded':
        if (c.value !== null || c.valueId !== null) appRoles.set(appRoleKey(c), c);
        break;
      case 'appRoleRemoved':
        if (appRoles.delete(appRoleKey(c))) break;
        // A removal that names the permission but not the same resource or id: drop it by value.
        for (const [key, held] of appRoles) {
          if (c.value !== null && held.value?.toLowerCase() === c.value.toLowerCase()) appRoles.delete(key);
        }
        break;
      case 'directoryRoleAdded':
        if (c.value !== null || c.valueId !== null) roles.set(roleKey(c), c.value ?? c.valueId ?? '');
        break;
      case 'directoryRoleRemoved':
        if (roles.delete(roleKey(c))) break;
        for (const [key, name] of roles) {
          if (c.value !== null && name.toLowerCase() === c.value.toLowerCase()) roles.delete(key);
        }
        break;
      default:
        break;
    }
  }
  const permissions = new Set<string>();
  for (const c of appRoles.values()) {
    if (c.value !== null && isSensitivePermission(c.value)) permissions.add(c.value);
  }
  const held = [...new Set(roles.values())].sort();
  const sensitive = [...permissions].sort();
  return { privileged: sensitive.length > 0 || held.length > 0, permissions: sensitive, roles: held };
}
