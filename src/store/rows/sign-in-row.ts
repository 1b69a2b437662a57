import type { SignIn } from '../../domain/index.ts';
import type { SignInTable } from '../schema.ts';

/** Maps a stored row back to the domain sign-in. */
export function rowToSignIn(r: SignInTable): SignIn {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    kind: r.kind as SignIn['kind'],
    createdAt: r.created_at,
    servicePrincipalId: r.service_principal_id,
    servicePrincipalName: r.service_principal_name,
    appId: r.app_id,
    ipAddress: r.ip_address,
    asn: r.asn === null ? null : Number(r.asn),
    asOrg: r.as_org,
    country: r.country,
    state: r.state,
    city: r.city,
    hosting: r.hosting === null ? null : Number(r.hosting) === 1,
    hostingProvider: r.hosting_provider,
    resourceId: r.resource_id,
    resourceName: r.resource_name,
    resourceServicePrincipalId: r.resource_service_principal_id,
    userAgent: r.user_agent,
    credentialType: r.credential_type as SignIn['credentialType'],
    credentialKeyId: r.credential_key_id,
    credentialThumbprint: r.credential_thumbprint,
    federatedCredentialId: r.federated_credential_id,
    statusCode: Number(r.status_code),
    failureReason: r.failure_reason,
    conditionalAccessStatus: r.conditional_access_status as SignIn['conditionalAccessStatus'],
    appliedPolicies: r.applied_policies,
    requestId: r.request_id,
    correlationId: r.correlation_id,
    msiType: r.msi_type,
    associatedResourceId: r.associated_resource_id,
  };
}
