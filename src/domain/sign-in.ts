/** Which kind of workload signed in: an app's service principal or a managed identity. */
export type WorkloadKind = 'servicePrincipal' | 'managedIdentity';

/** Graph `clientCredentialType` members (beta signIn). */
export type ClientCredentialType =
  | 'none'
  | 'clientSecret'
  | 'clientAssertion'
  | 'federatedIdentityCredential'
  | 'managedIdentity'
  | 'certificate'
  | 'unknownFutureValue';

/** Graph `conditionalAccessStatus` members. */
export type ConditionalAccessStatus = 'success' | 'failure' | 'notApplied' | 'unknownFutureValue';

/**
 * One workload sign-in, whatever the source format (export envelope, Log Analytics row, Graph signIn).
 * Times are UTC ISO strings with millisecond precision. Absent values are null, never undefined,
 * so rows have one shape in memory, on the wire between threads and in the store.
 */
export interface SignIn {
  tenantId: string;
  /** Source id of the sign-in record (Graph `id`); the dedupe key within a tenant. */
  id: string;
  kind: WorkloadKind;
  createdAt: string;
  servicePrincipalId: string;
  servicePrincipalName: string | null;
  appId: string | null;
  /** Normalised textual IP (IPv4 dotted without leading zeros, IPv6 lower-case); null when empty. */
  ipAddress: string | null;
  asn: number | null;
  asOrg: string | null;
  /** ISO 3166-1 alpha-2 country code. */
  country: string | null;
  state: string | null;
  city: string | null;
  /** Whether the address belongs to a cloud or datacenter network; null when unknown (no IP). */
  hosting: boolean | null;
  /** Name of the hosting provider when known (e.g. `Microsoft`, `Amazon`). */
  hostingProvider: string | null;
  /** Target resource app id. */
  resourceId: string | null;
  resourceName: string | null;
  resourceServicePrincipalId: string | null;
  userAgent: string | null;
  credentialType: ClientCredentialType | null;
  credentialKeyId: string | null;
  credentialThumbprint: string | null;
  federatedCredentialId: string | null;
  /** `status.errorCode`; 0 is success. */
  statusCode: number;
  failureReason: string | null;
  conditionalAccessStatus: ConditionalAccessStatus | null;
  /** `appliedConditionalAccessPolicies` as JSON text (array), or null when none were reported. */
  appliedPolicies: string | null;
  /** `originalRequestId` of the sign-in. */
  requestId: string | null;
  correlationId: string | null;
  /** Managed identity type (`systemAssigned`, `userAssigned`) for managed identity sign-ins. */
  msiType: string | null;
  /** Azure resource the managed identity is attached to. */
  associatedResourceId: string | null;
}
