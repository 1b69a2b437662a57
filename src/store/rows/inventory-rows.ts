import type { Application, Credential, ServicePrincipal } from '../../domain/index.ts';
import type { ApplicationTable, CredentialTable, ServicePrincipalTable } from '../schema.ts';

/** Maps a service principal to its row. */
export function principalToRow(p: ServicePrincipal, now: string): ServicePrincipalTable {
  return {
    tenant_id: p.tenantId,
    id: p.id,
    app_id: p.appId,
    display_name: p.displayName,
    kind: p.kind,
    service_principal_type: p.servicePrincipalType,
    app_owner_organization_id: p.appOwnerOrganizationId,
    account_enabled: p.accountEnabled === null ? null : p.accountEnabled ? 1 : 0,
    created_at: p.createdAt,
    source: p.source,
    updated_at: now,
  };
}

/** Maps a stored row back to a service principal. */
export function rowToPrincipal(r: ServicePrincipalTable): ServicePrincipal {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    appId: r.app_id,
    displayName: r.display_name,
    kind: r.kind as ServicePrincipal['kind'],
    servicePrincipalType: r.service_principal_type,
    appOwnerOrganizationId: r.app_owner_organization_id,
    accountEnabled: r.account_enabled === null ? null : Number(r.account_enabled) === 1,
    createdAt: r.created_at,
    source: r.source as ServicePrincipal['source'],
  };
}

/** Maps an application to its row. */
export function applicationToRow(a: Application, now: string): ApplicationTable {
  return {
    tenant_id: a.tenantId,
    id: a.id,
    app_id: a.appId,
    display_name: a.displayName,
    sign_in_audience: a.signInAudience,
    created_at: a.createdAt,
    source: 'inventory',
    updated_at: now,
  };
}

/** Maps a credential to its row. */
export function credentialToRow(c: Credential, now: string): CredentialTable {
  return {
    tenant_id: c.tenantId,
    owner_id: c.ownerId,
    owner_type: c.ownerType,
    key_id: c.keyId,
    type: c.type,
    key_type: c.keyType,
    usage: c.usage,
    display_name: c.displayName,
    hint: c.hint,
    thumbprint: c.thumbprint,
    start_date_time: c.startDateTime,
    end_date_time: c.endDateTime,
    issuer: c.issuer,
    subject: c.subject,
    audiences: c.audiences,
    added_at: c.addedAt,
    added_by: c.addedBy,
    removed_at: c.removedAt,
    removed_by: c.removedBy,
    updated_at: now,
    // What Vigil itself issued is never in an imported object: left alone by upserts.
    secret_salt: null,
    secret_hash: null,
    certificate: null,
    added_via: null,
  };
}

/** Maps a stored row back to a credential. */
export function rowToCredential(r: CredentialTable): Credential {
  return {
    tenantId: r.tenant_id,
    ownerId: r.owner_id,
    ownerType: r.owner_type as Credential['ownerType'],
    keyId: r.key_id,
    type: r.type as Credential['type'],
    keyType: r.key_type,
    usage: r.usage,
    displayName: r.display_name,
    hint: r.hint,
    thumbprint: r.thumbprint,
    startDateTime: r.start_date_time,
    endDateTime: r.end_date_time,
    issuer: r.issuer,
    subject: r.subject,
    audiences: r.audiences,
    addedAt: r.added_at,
    addedBy: r.added_by,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
  };
}
