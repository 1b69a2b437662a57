// Sign-ins of one realistic workload for the baseline tests: a Python service in Azure West Europe
// that signs in with a certificate to Microsoft Graph and Key Vault. Tests change what they are about.

import type { SignIn } from '../domain/index.ts';

/** App id of Microsoft Graph, the resource most workloads sign in to. */
export const GRAPH_RESOURCE = '00000003-0000-0000-c000-000000000000';
/** App id of Azure Key Vault. */
export const KEY_VAULT_RESOURCE = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';
/** App id of Azure Storage. */
export const STORAGE_RESOURCE = 'e406a681-f3d4-42a8-90b6-c2b029497af1';

/** The user agent the workload sends before and after an SDK minor upgrade. */
export const PYTHON_SDK_1_15 =
  'azsdk-python-identity/1.15.0 Python/3.11.4 (Linux-5.15.0-1052-azure-x86_64-with-glibc2.35)';

/** A successful sign-in of the workload from Azure West Europe; `overrides` replace any field. */
export function workloadSignIn(overrides: Partial<SignIn> = {}): SignIn {
  return {
    tenantId: '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14',
    id: '5b8e2f47-0c31-4d6a-9e7f-1a2b3c4d5e6f',
    kind: 'servicePrincipal',
    createdAt: '2025-03-03T08:15:02.417Z',
    servicePrincipalId: 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58',
    servicePrincipalName: 'invoice-sync-prod',
    appId: '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38',
    ipAddress: '20.73.147.18',
    asn: 8075,
    asOrg: 'Microsoft Corporation',
    country: 'NL',
    state: 'Noord-Holland',
    city: 'Amsterdam',
    hosting: true,
    hostingProvider: 'Microsoft',
    resourceId: GRAPH_RESOURCE,
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: '9a3f6c1e-2b7d-4e58-a0c4-7f1d3b9e6a25',
    userAgent: PYTHON_SDK_1_15,
    credentialType: 'clientAssertion',
    credentialKeyId: '3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27',
    credentialThumbprint: 'A1B7C3D9E5F1029384756A6B7C8D9E0F1A2B3C4D',
    federatedCredentialId: null,
    statusCode: 0,
    failureReason: null,
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: '7f3c9e2a-4b8d-4a61-9e05-2c6f1d8b3a74',
    correlationId: 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9',
    msiType: null,
    associatedResourceId: null,
    ...overrides,
  };
}
