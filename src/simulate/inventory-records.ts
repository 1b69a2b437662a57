// Graph v1.0 list pages of the model's service principals and app registrations, as an inventory
// import reads them: credentials carry the same keyIds and thumbprints that sign-ins and audit
// events name, so the three sources join.
import { Buffer } from 'node:buffer';
import {
  isoSeconds,
  type ManagedIdentityPrincipal,
  MICROSOFT_SERVICES_TENANT_ID,
  type ModelCredential,
  type TenantModel,
  type WorkloadPrincipal,
} from './tenant-model.ts';

const GRAPH = 'https://graph.microsoft.com/v1.0';

/** When the tenant's first-party service principals appeared: long before any workload. */
function tenantCreated(model: TenantModel): string {
  return isoSeconds(model.epoch - 2400 * 86_400_000);
}

/** A Graph `keyCredential` of a certificate. */
function keyCredential(c: ModelCredential): Record<string, unknown> {
  return {
    customKeyIdentifier: c.thumbprint,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    key: null,
    keyId: c.keyId,
    startDateTime: c.startDateTime,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

/** A Graph `passwordCredential` of a client secret; the secret itself is never returned. */
function passwordCredential(c: ModelCredential): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    hint: c.hint,
    keyId: c.keyId,
    secretText: null,
    startDateTime: c.startDateTime,
  };
}

function federatedIdentityCredential(c: ModelCredential): Record<string, unknown> {
  return {
    id: c.keyId,
    name: c.name,
    issuer: c.issuer,
    subject: c.subject,
    description: null,
    audiences: c.audiences,
  };
}

function credentialsOf(credentials: readonly ModelCredential[], owner: ModelCredential['owner']) {
  const own = credentials.filter((c) => c.owner === owner);
  return {
    keyCredentials: own.filter((c) => c.type === 'certificate').map(keyCredential),
    passwordCredentials: own.filter((c) => c.type === 'password').map(passwordCredential),
  };
}

function resourceServicePrincipal(model: TenantModel, index: number): Record<string, unknown> {
  const r = model.resources[index]!;
  return {
    id: r.servicePrincipalId,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: r.displayName,
    appId: r.appId,
    appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT_ID,
    appRoleAssignmentRequired: false,
    createdDateTime: tenantCreated(model),
    displayName: r.displayName,
    servicePrincipalNames: [r.appId],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    tags: [],
    keyCredentials: [],
    passwordCredentials: [],
  };
}

function workloadServicePrincipal(p: WorkloadPrincipal): Record<string, unknown> {
  return {
    id: p.objectId,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: p.displayName,
    appId: p.appId,
    appOwnerOrganizationId: p.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    createdDateTime: p.createdDateTime,
    displayName: p.displayName,
    servicePrincipalNames: [p.appId],
    servicePrincipalType: 'Application',
    signInAudience: p.multiTenant ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    ...credentialsOf(p.credentials, 'servicePrincipal'),
  };
}

function managedIdentityServicePrincipal(
  model: TenantModel,
  mi: ManagedIdentityPrincipal,
): Record<string, unknown> {
  return {
    id: mi.objectId,
    accountEnabled: true,
    // Graph lists where a managed identity comes from: the host resource, or the identity resource.
    alternativeNames:
      mi.msiType === 'userAssigned'
        ? ['isExplicit=True', mi.identityResourceId]
        : ['isExplicit=False', mi.associatedResourceId],
    appDisplayName: null,
    appId: mi.appId,
    appOwnerOrganizationId: model.tenantId,
    appRoleAssignmentRequired: false,
    createdDateTime: mi.createdDateTime,
    displayName: mi.displayName,
    servicePrincipalNames: [mi.appId, mi.identityName],
    servicePrincipalType: 'ManagedIdentity',
    signInAudience: null,
    tags: [],
    ...credentialsOf(mi.credentials, 'servicePrincipal'),
  };
}

function application(model: TenantModel, p: WorkloadPrincipal): Record<string, unknown> {
  return {
    id: p.applicationObjectId,
    appId: p.appId,
    createdDateTime: p.createdDateTime,
    displayName: p.displayName,
    identifierUris: [],
    publisherDomain: model.domain,
    signInAudience: 'AzureADMyOrg',
    tags: [],
    ...credentialsOf(p.credentials, 'application'),
    // As returned with `$expand=federatedIdentityCredentials`.
    federatedIdentityCredentials: p.credentials
      .filter((c) => c.type === 'federated')
      .map(federatedIdentityCredential),
    requiredResourceAccess: [],
  };
}

function skipToken(kind: string, lastId: string): string {
  // Opaque to clients; deterministic so pages are byte-identical for a model.
  return `RFNwdAIAAQAAA${Buffer.from(`${kind}_${lastId}`).toString('base64url')}`;
}

function pages(
  collection: string,
  kind: string,
  items: Record<string, unknown>[],
  pageSize: number,
): object[] {
  const out: object[] = [];
  for (let i = 0; i === 0 || i < items.length; i += pageSize) {
    const value = items.slice(i, i + pageSize);
    const page: Record<string, unknown> = { '@odata.context': `${GRAPH}/$metadata#${collection}` };
    if (i + pageSize < items.length) {
      const last = value[value.length - 1]!;
      page['@odata.nextLink'] = `${GRAPH}/${collection}?$skiptoken=${skipToken(kind, String(last.id))}`;
    }
    page.value = value;
    out.push(page);
  }
  return out;
}

/**
 * Graph list pages of the model's service principals (first-party resources, workloads, managed
 * identities) and app registrations, `pageSize` objects a page (default 100).
 */
export function inventoryPages(
  model: TenantModel,
  pageSize = 100,
): { servicePrincipals: object[]; applications: object[] } {
  if (!(pageSize >= 1)) throw new RangeError('pageSize must be at least 1');
  const servicePrincipals = [
    ...model.resources.map((_, i) => resourceServicePrincipal(model, i)),
    ...model.principals.map(workloadServicePrincipal),
    ...model.managedIdentities.map((mi) => managedIdentityServicePrincipal(model, mi)),
  ];
  // Multi-tenant apps registered elsewhere have a service principal here but no app registration.
  const applications = model.principals
    .filter((p) => p.applicationObjectId !== null)
    .map((p) => application(model, p));
  return {
    servicePrincipals: pages('servicePrincipals', 'ServicePrincipal', servicePrincipals, pageSize),
    applications: pages('applications', 'Application', applications, pageSize),
  };
}
