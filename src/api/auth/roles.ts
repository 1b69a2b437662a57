/** Roles a key can hold: Entra's directory roles the product documents, plus push-only ingest. */
export const roles = [
  'ingest',
  'security-reader',
  'security-operator',
  'security-administrator',
  'global-reader',
  'global-administrator',
  'conditional-access-administrator',
] as const;

/** A role name as written on the command line and stored with a key. */
export type Role = (typeof roles)[number];

/** What a request may do. Graph permission names where Graph has one. */
export type Permission = 'Ingest.Write' | 'Metrics.Read';

const grants: Record<Role, readonly Permission[]> = {
  ingest: ['Ingest.Write', 'Metrics.Read'],
  'security-reader': ['Metrics.Read'],
  'security-operator': ['Metrics.Read'],
  'security-administrator': ['Ingest.Write', 'Metrics.Read'],
  'global-reader': ['Metrics.Read'],
  'global-administrator': ['Ingest.Write', 'Metrics.Read'],
  'conditional-access-administrator': [],
};

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Whether a role grants a permission. */
export function roleGrants(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}
