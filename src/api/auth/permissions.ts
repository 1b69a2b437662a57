/**
 * What a request may do: Microsoft Graph's application-permission names where Graph has one, so a
 * token's `roles` and `scp` claims carry the same strings against Vigil as against Graph; plus
 * Vigil's own for what Graph has no counterpart of.
 */
export const permissions = [
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
] as const;

/** A permission name. */
export type Permission = (typeof permissions)[number];

/** A write permission grants the matching read, as in Graph ("least privileged … higher"). */
const implied: Readonly<Partial<Record<Permission, readonly Permission[]>>> = {
  'IdentityRiskyServicePrincipal.ReadWrite.All': ['IdentityRiskyServicePrincipal.Read.All'],
  'Policy.ReadWrite.ConditionalAccess': ['Policy.Read.All'],
  'Application.ReadWrite.All': ['Application.Read.All'],
};

const known: ReadonlySet<string> = new Set(permissions);

/** Whether a string names a permission (exactly, as Graph spells it). */
export function isPermission(value: string): value is Permission {
  return known.has(value);
}

/** The permissions given plus every permission they imply. */
export function withImpliedPermissions(granted: Iterable<Permission>): Set<Permission> {
  const out = new Set<Permission>();
  for (const p of granted) {
    out.add(p);
    for (const q of implied[p] ?? []) out.add(q);
  }
  return out;
}
