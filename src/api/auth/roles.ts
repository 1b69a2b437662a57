import type { Permission } from './permissions.ts';

/** Roles a key can hold: Entra's directory roles the product documents, plus push-only ingest. */
export const roles = [
  'ingest',
  'security-reader',
  'security-operator',
  'security-administrator',
  'global-reader',
  'global-administrator',
  'conditional-access-administrator',
  'application-administrator',
  'gateway',
] as const;

/** A role name as written on the command line and stored with a key. */
export type Role = (typeof roles)[number];

/** A role that is an Entra directory role (every role but `ingest` and `gateway`). */
export type DirectoryRole = Exclude<Role, 'ingest' | 'gateway'>;

/**
 * What each role may do, every permission spelled out (implied reads included) so the table reads
 * as the whole truth. Reads follow Graph's documented least-privileged roles; risk writes need at
 * least Security Administrator; Conditional Access Administrator manages policies and reads the
 * applications they target.
 */
export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  ingest: ['Ingest.Write', 'Metrics.Read'],
  'security-reader': [
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskEvent.Read.All',
    'AuditLog.Read.All',
    'Application.Read.All',
    'Policy.Read.All',
    'Metrics.Read',
  ],
  'security-operator': [
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskEvent.Read.All',
    'AuditLog.Read.All',
    'Application.Read.All',
    'Policy.Read.All',
    'Metrics.Read',
  ],
  'global-reader': [
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskEvent.Read.All',
    'AuditLog.Read.All',
    'Application.Read.All',
    'Policy.Read.All',
    'Metrics.Read',
  ],
  'security-administrator': [
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskyServicePrincipal.ReadWrite.All',
    'IdentityRiskEvent.Read.All',
    'AuditLog.Read.All',
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Policy.Read.All',
    'Policy.ReadWrite.ConditionalAccess',
    'Ingest.Write',
    'Metrics.Read',
    'Authz.Decide',
    'DiagnosticSettings.ReadWrite.All',
  ],
  'global-administrator': [
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskyServicePrincipal.ReadWrite.All',
    'IdentityRiskEvent.Read.All',
    'AuditLog.Read.All',
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Policy.Read.All',
    'Policy.ReadWrite.ConditionalAccess',
    'Ingest.Write',
    'Metrics.Read',
    'Authz.Decide',
    'DiagnosticSettings.ReadWrite.All',
  ],
  'conditional-access-administrator': [
    'Application.Read.All',
    'Policy.Read.All',
    'Policy.ReadWrite.ConditionalAccess',
  ],
  // Application Administrator manages app registrations and service principals: their credentials.
  'application-administrator': ['Application.Read.All', 'Application.ReadWrite.All'],
  // A gateway asks for access decisions (`POST /authz/decisions`) and reads nothing else.
  gateway: ['Authz.Decide'],
};

/** Entra's directory role template ids, as an access token's `wids` claim lists them. */
export const roleTemplateIds: Readonly<Record<DirectoryRole, string>> = {
  'global-administrator': '62e90394-69f5-4237-9190-012177145e10',
  'security-administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'security-operator': '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  'security-reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'global-reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'conditional-access-administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'application-administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
};

const roleByTemplateId: ReadonlyMap<string, DirectoryRole> = new Map(
  Object.entries(roleTemplateIds).map(([role, id]) => [id, role as DirectoryRole]),
);

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** The role a directory role template id stands for; undefined for roles Vigil does not know. */
export function roleOfTemplateId(templateId: string): DirectoryRole | undefined {
  return roleByTemplateId.get(templateId.toLowerCase());
}

/** Every permission the roles grant together. */
export function permissionsOfRoles(held: Iterable<Role>): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of held) for (const p of rolePermissions[role]) out.add(p);
  return out;
}
