// Export records of every category for the HTTP destinations' tests, built the way the delivery
// engine builds them: Graph objects from the API's own shape functions (beta names, evolvable enum
// members spelled out) in Entra's export envelope. One realistic tenant: a certificate-using
// invoice service that was attacked with a leaked secret, and a managed identity of a web app.

import { directoryAuditJson } from '../../api/graph/directory-audits.ts';
import { riskDetectionJson, riskyServicePrincipalJson } from '../../api/graph/risk-shapes.ts';
import { signInJson } from '../../api/graph/sign-ins.ts';
import type { DirectoryAudit } from '../../domain/index.ts';
import { auditToRow } from '../../store/rows/audit-row.ts';
import type { SignInTable } from '../../store/schema.ts';
import type { ExportCategory, ExportEnvelope, ExportRecord } from '../destination.ts';
import { EXPORT_SHAPE, exportRecordOf } from '../render-records.ts';

/** The fixture's Entra tenant. */
export const FIXTURE_TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
/** The attacked service principal. */
export const INVOICE_SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
/** Its application's app id. */
export const INVOICE_APP = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
/** The secret that leaked. */
export const LEAKED_KEY_ID = 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48';

const SHAPE = EXPORT_SHAPE;
const INVOICE_COLUMNS = {
  app_id: INVOICE_APP,
  display_name: 'invoice-sync-prod',
  kind: 'application',
  service_principal_type: 'Application',
  account_enabled: 1,
};

function record(
  category: ExportCategory,
  id: string,
  time: string,
  operationName: string,
  properties: Record<string, unknown>,
  extra: Partial<ExportEnvelope> = {},
): ExportRecord {
  return exportRecordOf(category, FIXTURE_TENANT, time, operationName, id, properties, extra);
}

/** A sign-in row of the invoice service; `overrides` replace any column. */
export function signInRow(overrides: Partial<SignInTable> = {}): SignInTable {
  return {
    tenant_id: FIXTURE_TENANT,
    id: '5b8e2f47-0c31-4d6a-9e7f-1a2b3c4d5e6f',
    ingest_batch: 1,
    kind: 'servicePrincipal',
    created_at: '2025-03-12T09:41:07.223Z',
    service_principal_id: INVOICE_SP,
    service_principal_name: 'invoice-sync-prod',
    app_id: INVOICE_APP,
    ip_address: '185.220.101.47',
    asn: 60729,
    as_org: 'Stiftung Erneuerbare Freiheit',
    country: 'DE',
    state: 'Berlin',
    city: 'Berlin',
    hosting: 1,
    hosting_provider: null,
    resource_id: '00000003-0000-0000-c000-000000000000',
    resource_name: 'Microsoft Graph',
    resource_service_principal_id: '9d4b6a2e-1f37-4c85-b0e9-6a3d2c7f8e14',
    user_agent: 'python-requests/2.31.0',
    credential_type: 'clientSecret',
    credential_key_id: LEAKED_KEY_ID,
    credential_thumbprint: null,
    federated_credential_id: null,
    status_code: 0,
    failure_reason: null,
    conditional_access_status: 'notApplied',
    applied_policies: JSON.stringify([
      {
        id: '4e2b7c91-3a5d-4f08-b6e2-9c1d7a3f5e20',
        displayName: 'Block workload sign-ins outside Azure',
        enforcedGrantControls: [],
        enforcedSessionControls: [],
        result: 'reportOnlyFailure',
      },
    ]),
    request_id: '7a1c3e5f-9b2d-4e6f-8a0c-2d4f6b8e0a1c',
    correlation_id: '3e9f1b7d-5c2a-4d8e-b6f0-1a3c5e7f9b2d',
    msi_type: null,
    associated_resource_id: null,
    ...overrides,
  };
}

function signInRecord(row: SignInTable): ExportRecord {
  const category =
    row.kind === 'managedIdentity' ? 'ManagedIdentitySignInLogs' : 'ServicePrincipalSignInLogs';
  return record(category, row.id, row.created_at, 'Sign-in activity', signInJson(row), {
    resultType: String(row.status_code),
    resultSignature: 'None',
    durationMs: 0,
    ...(row.ip_address ? { callerIpAddress: row.ip_address } : {}),
    ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
    level: row.status_code === 0 ? 'Informational' : 'Warning',
    ...(row.country ? { location: row.country } : {}),
  });
}

/** The audit event of the leaked secret's addition, as Entra writes it. */
export const secretAddition: DirectoryAudit = {
  tenantId: FIXTURE_TENANT,
  id: 'Directory_8f2a6c14-7b3e-4d59-a0c1-e6b9d2f4a873_QZT5M_41027',
  activityDateTime: '2025-03-11T22:04:51.118Z',
  activityDisplayName: 'Update application – Certificates and secrets management ',
  activity: 'Update application - Certificates and secrets management',
  category: 'ApplicationManagement',
  operationType: 'Update',
  result: 'success',
  resultReason: null,
  loggedByService: 'Core Directory',
  correlationId: 'd2f4a873-8f2a-4c14-b3e7-59a0c1e6b9d2',
  initiatedBy: {
    kind: 'user',
    id: '1f7c3a9e-5b2d-4e8f-a6c0-3d9b7e1f5a2c',
    displayName: 'Dana Whitfield',
    userPrincipalName: 'dana.whitfield@contoso.com',
    appId: null,
    servicePrincipalId: null,
    ipAddress: '203.0.113.77',
  },
  targets: [
    {
      id: '0a6d3f8b-2c4e-4b71-9d5a-8e1f3c7b2d64',
      displayName: 'invoice-sync-prod',
      type: 'Application',
      modifiedProperties: [
        {
          displayName: 'KeyDescription',
          oldValue: '[]',
          newValue: `["[KeyIdentifier=${LEAKED_KEY_ID},KeyType=Password,KeyUsage=Verify,DisplayName=ci]"]`,
        },
        { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
      ],
    },
  ],
  additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' }],
};

/** One record of every category, in outbox order: audit, sign-ins, detection, risky principal. */
export function exportRecordsOfEveryCategory(): ExportRecord[] {
  const audit = auditToRow(secretAddition, 1);
  const detection = {
    tenant_id: FIXTURE_TENANT,
    id: '2856d6e87c5c3a74021ff70291fa68107570c150d8dc145bdea5',
    principal_id: INVOICE_SP,
    risk_event_type: 'leakedCredentials',
    risk_level: 'high',
    risk_state: 'atRisk',
    risk_detail: 'none',
    activity: 'servicePrincipal',
    activity_date_time: '2025-03-12T08:00:00.000Z',
    detected_date_time: '2025-03-12T10:15:31.000Z',
    last_updated_date_time: '2025-03-12T10:15:31.000Z',
    ip_address: null,
    location: null,
    key_ids: JSON.stringify([LEAKED_KEY_ID]),
    request_id: null,
    correlation_id: null,
    additional_info: JSON.stringify([
      { Key: 'alertUrl', Value: null },
      { Key: 'leakUrl', Value: 'https://github.com/example/invoice-tools/blob/4f2a9c1/.env' },
    ]),
  };
  const risky = {
    tenant_id: FIXTURE_TENANT,
    principal_id: INVOICE_SP,
    risk_level: 'high',
    risk_state: 'atRisk',
    risk_detail: 'none',
    risk_last_updated_date_time: '2025-03-12T10:15:31.000Z',
  };
  return [
    record(
      'AuditLogs',
      audit.id,
      audit.activity_date_time,
      audit.activity_display_name,
      directoryAuditJson(audit),
      { resultType: 'success', correlationId: secretAddition.correlationId ?? '', level: 'Informational' },
    ),
    signInRecord(signInRow()),
    signInRecord(
      signInRow({
        id: '9c3e5a71-2b4d-4f6e-8a0c-1e3f5b7d9a2c',
        kind: 'managedIdentity',
        created_at: '2025-03-12T09:43:55.480Z',
        service_principal_id: 'e5a9c1f3-7b2d-4e6f-8a4c-0d2f6b8a1c3e',
        service_principal_name: 'web-orders-prod',
        app_id: '4b8d2f6a-0c3e-4a7b-9d1f-5e7a9c3b1d2f',
        ip_address: null,
        asn: null,
        as_org: null,
        country: null,
        state: null,
        city: null,
        hosting: null,
        resource_id: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
        resource_name: 'Azure Key Vault',
        user_agent: null,
        credential_type: 'managedIdentity',
        credential_key_id: null,
        applied_policies: null,
        conditional_access_status: null,
        msi_type: 'systemAssigned',
        associated_resource_id:
          '/subscriptions/8d1f3b5a-7c9e-4a2b-b4d6-0f2a4c6e8b1d/resourceGroups/orders/providers/Microsoft.Web/sites/web-orders-prod',
        status_code: 0,
      }),
    ),
    record(
      'ServicePrincipalRiskEvents',
      `${detection.id}@${detection.last_updated_date_time}`,
      detection.last_updated_date_time,
      'Service principal risk detection',
      riskDetectionJson(detection, INVOICE_COLUMNS, SHAPE),
    ),
    record(
      'RiskyServicePrincipals',
      '6f1d3b9a-5c7e-4a2f-8b0d-2e4c6a8f1b3d',
      risky.risk_last_updated_date_time,
      'Risky service principal',
      {
        ...riskyServicePrincipalJson(risky, INVOICE_COLUMNS, SHAPE),
        activity: { riskEventTypes: ['leakedCredentials'], detail: 'none' },
        initiatedBy: null,
      },
    ),
  ];
}

/** `count` distinct sign-in records of the invoice service, a second apart from `start`. */
export function manySignInRecords(
  count: number,
  start = Date.parse('2025-03-12T09:00:00.000Z'),
): ExportRecord[] {
  const out: ExportRecord[] = [];
  for (let i = 0; i < count; i++) {
    const suffix = i.toString(16).padStart(12, '0');
    out.push(
      signInRecord(
        signInRow({
          id: `5b8e2f47-0c31-4d6a-9e7f-${suffix}`,
          created_at: new Date(start + i * 1000).toISOString(),
          correlation_id: `3e9f1b7d-5c2a-4d8e-b6f0-${suffix}`,
        }),
      ),
    );
  }
  return out;
}
