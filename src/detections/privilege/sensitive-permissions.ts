// What makes a workload identity privileged: application permissions that let it take over the
// tenant, other applications or everyone's data, and directory roles. A credential added to such a
// principal is a credential to all of that, so its detections weigh more.

/**
 * Sensitive application permissions, matched by value without regard to case. An entry ending in
 * `.*` covers every permission with that prefix (`Mail.*`: `Mail.Read`, `Mail.ReadWrite`, `Mail.Send`).
 * Directory and role control come first (each is a path to Global Administrator), then data access
 * to every mailbox, file and site.
 */
export const SENSITIVE_APPLICATION_PERMISSIONS: readonly string[] = Object.freeze([
  'RoleManagement.ReadWrite.Directory',
  'AppRoleAssignment.ReadWrite.All',
  'Application.ReadWrite.All',
  'Application.ReadWrite.OwnedBy',
  'Directory.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'Policy.ReadWrite.ConditionalAccess',
  'Policy.ReadWrite.AuthenticationMethod',
  'Policy.ReadWrite.PermissionGrant',
  'UserAuthenticationMethod.ReadWrite.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Domain.ReadWrite.All',
  'ServicePrincipalEndpoint.ReadWrite.All',
  'Mail.*',
  'MailboxSettings.ReadWrite',
  'Files.*',
  'Sites.FullControl.All',
  'Sites.ReadWrite.All',
  'full_access_as_app',
  'Exchange.ManageAsApp',
]);

/**
 * Directory roles named as privileged in explanations. Any directory role held by a service
 * principal makes it privileged (workloads rarely need one); these are the ones that reach the
 * tenant's identities, applications or policies.
 */
export const PRIVILEGED_DIRECTORY_ROLES: readonly string[] = Object.freeze([
  'Global Administrator',
  'Privileged Role Administrator',
  'Privileged Authentication Administrator',
  'Application Administrator',
  'Cloud Application Administrator',
  'Security Administrator',
  'Conditional Access Administrator',
  'Hybrid Identity Administrator',
  'User Administrator',
  'Authentication Administrator',
  'Groups Administrator',
  'Exchange Administrator',
  'SharePoint Administrator',
  'Intune Administrator',
  'Domain Name Administrator',
  'External Identity Provider Administrator',
  'Directory Synchronization Accounts',
  'Partner Tier2 Support',
]);

const EXACT = new Set(
  SENSITIVE_APPLICATION_PERMISSIONS.filter((p) => !p.endsWith('.*')).map((p) => p.toLowerCase()),
);
const PREFIXES = SENSITIVE_APPLICATION_PERMISSIONS.filter((p) => p.endsWith('.*')).map((p) =>
  p.slice(0, -1).toLowerCase(),
);
const PRIVILEGED_ROLES = new Set(PRIVILEGED_DIRECTORY_ROLES.map((r) => r.toLowerCase()));

/** Whether an application permission value is sensitive (see SENSITIVE_APPLICATION_PERMISSIONS). */
export function isSensitivePermission(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (EXACT.has(v)) return true;
  for (const prefix of PREFIXES) if (v.startsWith(prefix)) return true;
  return false;
}

/** Whether a directory role, by display name, is one of the named privileged roles. */
export function isPrivilegedDirectoryRole(name: string): boolean {
  return PRIVILEGED_ROLES.has(name.trim().toLowerCase());
}
