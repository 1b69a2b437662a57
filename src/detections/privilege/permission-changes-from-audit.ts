import type {
  AuditActor,
  AuditTarget,
  DirectoryAudit,
  PermissionChange,
  PermissionChangeKind,
} from '../../domain/index.ts';

/**
 * Activities (normalised, lower-cased) that change what a service principal may do. Directory role
 * activations through PIM are logged by Core Directory as `Add member to role` too (initiated by
 * `MS-PIM`), and their expiry as `Remove member from role`, so the two names cover them.
 */
const ACTIVITY_KINDS: Readonly<Record<string, PermissionChangeKind>> = Object.freeze({
  'add app role assignment to service principal': 'appRoleAdded',
  'remove app role assignment from service principal': 'appRoleRemoved',
  'add member to role': 'directoryRoleAdded',
  'remove member from role': 'directoryRoleRemoved',
  'consent to application': 'consent',
  'add delegated permission grant': 'delegatedGrantAdded',
});

/** The activity names (normalised, lower-case) permissionChangesFromAudit reads, for selecting events to read. */
export const PERMISSION_ACTIVITIES: readonly string[] = Object.freeze(Object.keys(ACTIVITY_KINDS));

const REMOVALS: ReadonlySet<PermissionChangeKind> = new Set(['appRoleRemoved', 'directoryRoleRemoved']);

/** `Scope:  Mail.Read User.Read.All,` inside the bracketed text Entra writes for consented grants. */
const CONSENT_SCOPE = /Scope:\s*([^,\]]*)/;

/** A modified property value: JSON text of a string (`"\"Application.ReadWrite.All\""`) or plain text. */
function propertyText(value: string | null): string | null {
  if (value === null) return null;
  let text = value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') text = parsed;
    else if (parsed === null) return null;
  } catch {
    // Not JSON: the value as written.
  }
  const trimmed = text.trim();
  return trimmed.length === 0 ? null : trimmed;
}

/** The value of a named property on any target: new value for grants, old value first for removals. */
function property(audit: DirectoryAudit, name: string, removal: boolean): string | null {
  const wanted = name.toLowerCase();
  for (const target of audit.targets) {
    for (const p of target.modifiedProperties) {
      if (p.displayName.toLowerCase() !== wanted) continue;
      const first = propertyText(removal ? p.oldValue : p.newValue);
      if (first !== null) return first;
      const second = propertyText(removal ? p.newValue : p.oldValue);
      if (second !== null) return second;
    }
  }
  return null;
}

function isServicePrincipal(t: AuditTarget): boolean {
  return t.id !== null && t.type !== null && t.type.toLowerCase() === 'serviceprincipal';
}

/** Who to name as the actor: UPN, else display name, else app id, else object id. */
function actorName(actor: AuditActor): string | null {
  return actor.userPrincipalName ?? actor.displayName ?? actor.appId ?? actor.servicePrincipalId ?? actor.id;
}

/**
 * The principal an app role assignment or delegated grant is for. The event's first target is the
 * resource (Microsoft Graph, say); the client is named by `ServicePrincipal.ObjectID`, and also
 * listed as another service principal target.
 */
function grantRecipient(audit: DirectoryAudit, removal: boolean): string | null {
  const named = property(audit, 'ServicePrincipal.ObjectID', removal);
  if (named !== null) return named.toLowerCase();
  const principals = audit.targets.filter(isServicePrincipal);
  if (principals.length === 1) return principals[0]!.id;
  return principals.length > 1 ? principals[principals.length - 1]!.id : null;
}

/**
 * The permission changes a successful audit event records for service principals: application
 * permissions (app role assignments) granted or removed, directory role membership added or removed,
 * consent and delegated permission grants. Role membership of users, and failed events, yield none.
 */
export function permissionChangesFromAudit(audit: DirectoryAudit): PermissionChange[] {
  if (audit.result === null || audit.result.toLowerCase() !== 'success') return [];
  const kind = ACTIVITY_KINDS[audit.activity.toLowerCase()];
  if (kind === undefined) return [];
  const removal = REMOVALS.has(kind);
  let principalId: string | null = null;
  let value: string | null = null;
  let valueId: string | null = null;
  let resourceId: string | null = null;
  switch (kind) {
    case 'appRoleAdded':
    case 'appRoleRemoved': {
      principalId = grantRecipient(audit, removal);
      value = property(audit, 'AppRole.Value', removal);
      valueId = property(audit, 'AppRole.Id', removal);
      const resource = audit.targets[0];
      resourceId = resource !== undefined && resource.id !== principalId ? resource.id : null;
      break;
    }
    case 'directoryRoleAdded':
    case 'directoryRoleRemoved':
      principalId = audit.targets.find(isServicePrincipal)?.id ?? null;
      value = property(audit, 'Role.DisplayName', removal);
      valueId = property(audit, 'Role.TemplateId', removal);
      break;
    case 'consent': {
      principalId = audit.targets.find(isServicePrincipal)?.id ?? null;
      const permissions = property(audit, 'ConsentAction.Permissions', false);
      const scope = permissions === null ? null : CONSENT_SCOPE.exec(permissions)?.[1]?.trim();
      value = scope === undefined || scope === null || scope.length === 0 ? null : scope;
      break;
    }
    case 'delegatedGrantAdded':
      principalId = grantRecipient(audit, false);
      value = property(audit, 'DelegatedPermissionGrant.Scope', false);
      resourceId = audit.targets[0]?.id ?? null;
      if (resourceId === principalId) resourceId = null;
      break;
  }
  if (principalId === null) return [];
  return [
    {
      tenantId: audit.tenantId,
      principalId,
      kind,
      value,
      valueId: valueId === null ? null : valueId.toLowerCase(),
      resourceId,
      at: audit.activityDateTime,
      auditId: audit.id,
      actorName: actorName(audit.initiatedBy),
    },
  ];
}
