import { directoryAuditJson } from '../../src/api/graph/directory-audits.ts';
import {
  historyItemJson,
  type PrincipalColumns,
  riskDetectionJson,
  riskyServicePrincipalJson,
} from '../../src/api/graph/risk-shapes.ts';
import { signInJson } from '../../src/api/graph/sign-ins.ts';
import type { ExportCategory, ExportEnvelope, ExportRecord } from '../../src/exports/destination.ts';
import { EXPORT_SHAPE, exportRecordOf } from '../../src/exports/render-records.ts';
import type {
  DirectoryAuditTable,
  RiskDetectionTable,
  RiskHistoryTable,
  SignInTable,
} from '../../src/store/schema.ts';

/** The tenant the sample records belong to. */
export const SAMPLE_TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';

// As exports render objects: beta names, evolvable enum members spelled out.
const SHAPE = EXPORT_SHAPE;

const PAYROLL: PrincipalColumns = {
  app_id: 'b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64',
  display_name: 'contoso-payroll-export',
  kind: 'application',
  service_principal_type: 'Application',
  account_enabled: 1,
};
const PAYROLL_ID = 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17';

function record(
  category: ExportCategory,
  id: string,
  time: string,
  operationName: string,
  properties: Record<string, unknown>,
  extra: Partial<ExportEnvelope> = {},
): ExportRecord {
  return exportRecordOf(category, SAMPLE_TENANT, time, operationName, id, properties, extra);
}

/** A suspicious sign-ins detection, as the outbox renders it; `row` and `sp` override its columns. */
export function detectionRecord(
  row: Partial<RiskDetectionTable> = {},
  sp: Partial<PrincipalColumns> = {},
): ExportRecord {
  const d: RiskDetectionTable = {
    tenant_id: SAMPLE_TENANT,
    id: '5b0c8e3f1a7d4c2e9b6f0a3d8c1e7b4f2a9d6c0e3b8f1a5d7c2e',
    principal_id: PAYROLL_ID,
    risk_event_type: 'suspiciousSignins',
    risk_level: 'medium',
    risk_state: 'atRisk',
    risk_detail: 'none',
    activity: 'signin',
    activity_date_time: '2025-03-12T10:58:41.377Z',
    detected_date_time: '2025-03-12T11:20:00.000Z',
    last_updated_date_time: '2025-03-12T11:20:00.000Z',
    ip_address: '185.220.101.47',
    location: JSON.stringify({ city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL' }),
    key_ids: JSON.stringify(['9d9fea30-d8e3-481b-b57c-0ef569a989e5']),
    request_id: '3f7a2c91-0b4e-4d85-9e16-a8c5d2f4b073',
    correlation_id: 'c2e8a4f1-7b3d-4096-8e5a-1d9f6b2c7e40',
    additional_info: JSON.stringify([
      { Key: 'reason', Value: 'Sign-ins from a network (ASN) and country the principal had not used.' },
      { Key: 'contributingSignInIds', Value: ['a1d4c7e2-5f8b-4a39-9c06-e3b7d1f5a284'] },
    ]),
    ...row,
  };
  const properties = riskDetectionJson(d, { ...PAYROLL, ...sp }, SHAPE);
  return record(
    'ServicePrincipalRiskEvents',
    `${d.id}@${d.last_updated_date_time}`,
    d.last_updated_date_time,
    'Service principal risk detection',
    properties,
    d.ip_address ? { callerIpAddress: d.ip_address } : {},
  );
}

/** A change of a principal's risk (a history item), as the outbox renders it. */
export function riskChangeRecord(
  row: Partial<RiskHistoryTable> = {},
  sp: Partial<PrincipalColumns> = {},
): ExportRecord {
  const h: RiskHistoryTable = {
    tenant_id: SAMPLE_TENANT,
    id: 'f0a83c5e-2d71-4b96-8e4f-6c1b9d3a7e25',
    principal_id: PAYROLL_ID,
    risk_level: 'medium',
    risk_state: 'atRisk',
    risk_detail: 'none',
    risk_last_updated_date_time: '2025-03-12T11:20:00.000Z',
    initiated_by: null,
    activity_detail: 'none',
    activity_risk_event_types: JSON.stringify(['suspiciousSignins']),
    ...row,
  };
  const columns = { ...PAYROLL, ...sp };
  const item = historyItemJson(h, columns, SHAPE);
  const properties = {
    ...riskyServicePrincipalJson({ ...h }, columns, SHAPE),
    activity: item.activity,
    initiatedBy: h.initiated_by,
  };
  return record(
    'RiskyServicePrincipals',
    h.id,
    h.risk_last_updated_date_time,
    'Risky service principal',
    properties,
  );
}

/** A workload sign-in (a service principal's or a managed identity's), as the outbox renders it. */
export function signInRecord(
  kind: 'servicePrincipal' | 'managedIdentity',
  row: Partial<SignInTable> = {},
): ExportRecord {
  const managed = kind === 'managedIdentity';
  const s: SignInTable = {
    tenant_id: SAMPLE_TENANT,
    id: managed ? '0e6b2f9d-4a1c-4e58-b7d3-95c8a2f1e064' : 'a1d4c7e2-5f8b-4a39-9c06-e3b7d1f5a284',
    ingest_batch: 1,
    kind,
    created_at: '2025-03-12T10:58:41.377Z',
    service_principal_id: managed ? '4c9e1a7b-3d5f-4b82-a6e0-d8f2c4b9a173' : PAYROLL_ID,
    service_principal_name: managed ? 'vm-batch-runner-01' : 'contoso-payroll-export',
    app_id: managed ? '9a3f6d2c-1e8b-4c57-b0a4-7f5e3d9c2b18' : PAYROLL.app_id,
    ip_address: managed ? null : '185.220.101.47',
    asn: managed ? null : 208294,
    as_org: managed ? null : 'Example Hosting BV',
    country: managed ? null : 'NL',
    state: managed ? null : 'Noord-Holland',
    city: managed ? null : 'Amsterdam',
    hosting: managed ? null : 1,
    hosting_provider: null,
    resource_id: '00000003-0000-0000-c000-000000000000',
    resource_name: 'Microsoft Graph',
    resource_service_principal_id: '2f8a6c1d-9e4b-4d73-a5c0-b1e7d3f9a642',
    user_agent: managed ? null : 'python-requests/2.31.0',
    credential_type: managed ? 'managedIdentity' : 'clientSecret',
    credential_key_id: managed ? null : '9d9fea30-d8e3-481b-b57c-0ef569a989e5',
    credential_thumbprint: null,
    federated_credential_id: null,
    status_code: 0,
    failure_reason: null,
    conditional_access_status: 'notApplied',
    applied_policies: null,
    request_id: '3f7a2c91-0b4e-4d85-9e16-a8c5d2f4b073',
    correlation_id: 'c2e8a4f1-7b3d-4096-8e5a-1d9f6b2c7e40',
    msi_type: managed ? 'systemAssigned' : null,
    associated_resource_id: managed
      ? '/subscriptions/1b7e4c2a-8f3d-4e96-a5b0-c9d2e6f1a384/resourceGroups/batch/providers/Microsoft.Compute/virtualMachines/vm-batch-runner-01'
      : null,
    ...row,
  };
  return record(
    managed ? 'ManagedIdentitySignInLogs' : 'ServicePrincipalSignInLogs',
    s.id,
    s.created_at,
    'Sign-in activity',
    signInJson(s),
    {
      resultType: String(s.status_code),
      resultSignature: 'None',
      durationMs: 0,
      ...(s.ip_address ? { callerIpAddress: s.ip_address } : {}),
      level: s.status_code === 0 ? 'Informational' : 'Warning',
    },
  );
}

/** A credential added to an application (the en-dash activity Entra writes), as the outbox renders it. */
export function auditRecord(row: Partial<DirectoryAuditTable> = {}): ExportRecord {
  const a: DirectoryAuditTable = {
    tenant_id: SAMPLE_TENANT,
    id: 'Directory_9b4f2d6a-7e1c-4b58-a3d0-8f5e2c9b1a76_RT6YC_20573184',
    ingest_batch: 1,
    activity_date_time: '2025-03-12T09:30:05.661Z',
    activity_display_name: 'Update application \u2013 Certificates and secrets management ',
    activity: 'credentialAdded',
    category: 'ApplicationManagement',
    operation_type: 'Update',
    result: 'success',
    result_reason: '',
    logged_by_service: 'Core Directory',
    correlation_id: '4d9e1b6c-8a3f-4c72-9e05-b1f7d3a8c264',
    actor_kind: 'user',
    actor_id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
    actor_name: 'alice.wong@contoso.com',
    initiated_by: JSON.stringify({
      kind: 'user',
      id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
      displayName: null,
      userPrincipalName: 'alice.wong@contoso.com',
      appId: null,
      servicePrincipalId: null,
      ipAddress: '2a02:a46f:ff52:0:5d4b:1c2e:9f3a:7b61',
    }),
    targets: JSON.stringify([
      {
        id: '3a8f5c1e-7d2b-4e94-b6a0-c5e9d1f7b382',
        displayName: 'contoso-payroll-export',
        type: 'Application',
        modifiedProperties: [
          {
            displayName: 'KeyDescription',
            oldValue: '[]',
            newValue:
              '["[KeyIdentifier=9d9fea30-d8e3-481b-b57c-0ef569a989e5,KeyType=Password,KeyUsage=Verify,DisplayName=payroll-ci]"]',
          },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
        ],
      },
    ]),
    additional_details: JSON.stringify([
      { key: 'User-Agent', value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
    ]),
    ...row,
  };
  return record('AuditLogs', a.id, a.activity_date_time, a.activity_display_name, directoryAuditJson(a), {
    resultType: a.result ?? 'success',
    ...(a.correlation_id ? { correlationId: a.correlation_id } : {}),
    level: 'Informational',
  });
}

/** One record of every export category, in the order a test sends them. */
export function sampleExportRecords(): ExportRecord[] {
  return [
    auditRecord(),
    signInRecord('servicePrincipal'),
    signInRecord('managedIdentity'),
    detectionRecord(),
    riskChangeRecord(),
  ];
}
