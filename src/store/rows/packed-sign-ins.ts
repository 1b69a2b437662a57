import type { SignIn } from '../../domain/index.ts';
import type { SignInTable } from '../schema.ts';

/** Sign-in columns in the order packed rows carry them (everything but the batch number). */
export const SIGN_IN_COLUMNS = [
  'tenant_id',
  'id',
  'kind',
  'created_at',
  'service_principal_id',
  'service_principal_name',
  'app_id',
  'ip_address',
  'asn',
  'as_org',
  'country',
  'state',
  'city',
  'hosting',
  'hosting_provider',
  'resource_id',
  'resource_name',
  'resource_service_principal_id',
  'user_agent',
  'credential_type',
  'credential_key_id',
  'credential_thumbprint',
  'federated_credential_id',
  'status_code',
  'failure_reason',
  'conditional_access_status',
  'applied_policies',
  'request_id',
  'correlation_id',
  'msi_type',
  'associated_resource_id',
] as const satisfies readonly Exclude<keyof SignInTable, 'ingest_batch'>[];

const WIDTH = SIGN_IN_COLUMNS.length;
/** Positions of the columns the writer reads back (principals seen in logs). */
export const SIGN_IN_AT = {
  tenantId: SIGN_IN_COLUMNS.indexOf('tenant_id'),
  id: SIGN_IN_COLUMNS.indexOf('id'),
  kind: SIGN_IN_COLUMNS.indexOf('kind'),
  principalId: SIGN_IN_COLUMNS.indexOf('service_principal_id'),
  principalName: SIGN_IN_COLUMNS.indexOf('service_principal_name'),
  appId: SIGN_IN_COLUMNS.indexOf('app_id'),
  createdAt: SIGN_IN_COLUMNS.indexOf('created_at'),
} as const;

/**
 * Sign-ins as one flat array of column values, row after row. Batches cross from parse workers
 * to the writer in this form: a flat array of strings and numbers is the cheapest thing to copy
 * between threads, and the writer binds it as it is, without building an object per row.
 */
export interface PackedSignIns {
  count: number;
  values: unknown[];
}

/** An empty pack. */
export function emptyPackedSignIns(): PackedSignIns {
  return { count: 0, values: [] };
}

/** Appends one sign-in's column values. */
export function packSignIn(pack: PackedSignIns, s: SignIn): void {
  pack.values.push(
    s.tenantId,
    s.id,
    s.kind,
    s.createdAt,
    s.servicePrincipalId,
    s.servicePrincipalName,
    s.appId,
    s.ipAddress,
    s.asn,
    s.asOrg,
    s.country,
    s.state,
    s.city,
    s.hosting === null ? null : s.hosting ? 1 : 0,
    s.hostingProvider,
    s.resourceId,
    s.resourceName,
    s.resourceServicePrincipalId,
    s.userAgent,
    s.credentialType,
    s.credentialKeyId,
    s.credentialThumbprint,
    s.federatedCredentialId,
    s.statusCode,
    s.failureReason,
    s.conditionalAccessStatus,
    s.appliedPolicies,
    s.requestId,
    s.correlationId,
    s.msiType,
    s.associatedResourceId,
  );
  pack.count++;
}

/** Packs a list of sign-ins. */
export function packSignIns(signIns: readonly SignIn[]): PackedSignIns {
  const pack = emptyPackedSignIns();
  for (const s of signIns) packSignIn(pack, s);
  return pack;
}

/** The value of column `at` in row `row`. */
export function packedValue(pack: PackedSignIns, row: number, at: number): unknown {
  return pack.values[row * WIDTH + at];
}
