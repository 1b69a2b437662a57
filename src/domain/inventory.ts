/** What a service principal stands for. `legacy` and other Graph values are kept as `other`. */
export type PrincipalKind = 'application' | 'managedIdentity' | 'other';

/** Where an inventory row came from: a Graph inventory import, or only seen in logs so far. */
export type InventorySource = 'inventory' | 'log';

/** A service principal (enterprise application or managed identity) in a tenant. */
export interface ServicePrincipal {
  tenantId: string;
  /** Object id. */
  id: string;
  appId: string | null;
  displayName: string | null;
  kind: PrincipalKind;
  /** Graph `servicePrincipalType` as written (`Application`, `ManagedIdentity`, `Legacy`, …). */
  servicePrincipalType: string | null;
  /** Tenant that owns the application; a value other than `tenantId` means multi-tenant (foreign) app. */
  appOwnerOrganizationId: string | null;
  accountEnabled: boolean | null;
  createdAt: string | null;
  source: InventorySource;
}

/** An app registration. */
export interface Application {
  tenantId: string;
  /** Object id. */
  id: string;
  appId: string;
  displayName: string | null;
  signInAudience: string | null;
  createdAt: string | null;
}

/** Credential families: client secret, certificate/key, federated identity credential. */
export type CredentialType = 'password' | 'certificate' | 'federated';

/** A credential on a service principal or application, with its lifecycle as far as Vigil knows it. */
export interface Credential {
  tenantId: string;
  /** Object id of the service principal or application that holds it. */
  ownerId: string;
  ownerType: 'servicePrincipal' | 'application';
  /** `keyId` GUID (password and key credentials) or the federated credential's id. */
  keyId: string;
  type: CredentialType;
  /** Graph key type as written (`Password`, `AsymmetricX509Cert`, `Symmetric`, …). */
  keyType: string | null;
  /** `Verify` or `Sign` for key credentials. */
  usage: string | null;
  displayName: string | null;
  /** First three characters of a client secret. */
  hint: string | null;
  /** Certificate thumbprint (hex, upper-case) when known (`customKeyIdentifier`). */
  thumbprint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  /** Federated credential issuer, subject and audiences (JSON array text). */
  issuer: string | null;
  subject: string | null;
  audiences: string | null;
  addedAt: string | null;
  /** Actor who added it (UPN, app display name or id), from the audit log. */
  addedBy: string | null;
  removedAt: string | null;
  removedBy: string | null;
}

/**
 * A credential addition or removal read from an audit event. The store applies these to the
 * credential inventory.
 */
export interface CredentialChange {
  tenantId: string;
  ownerId: string;
  ownerType: 'servicePrincipal' | 'application';
  ownerDisplayName: string | null;
  change: 'added' | 'removed';
  keyId: string;
  type: CredentialType;
  keyType: string | null;
  usage: string | null;
  displayName: string | null;
  at: string;
  by: string | null;
  /** The audit event this change was read from. */
  auditId: string;
}

/** A credential of a principal or its application that was removed, as the inventory records it. */
export interface RemovedCredential {
  keyId: string;
  /** Upper-case hex thumbprint of a certificate, when known: sign-ins name certificates by either. */
  thumbprint: string | null;
  type: CredentialType;
  ownerType: 'servicePrincipal' | 'application';
  removedAt: string;
  removedBy: string | null;
}
