/**
 * Export records as rows of the Log Analytics tables Entra's diagnostic settings fill, so queries
 * and Sentinel rules written for those tables read Vigil's rows unchanged:
 *
 *   RiskyServicePrincipals     → AADRiskyServicePrincipals
 *   ServicePrincipalRiskEvents → AADServicePrincipalRiskEvents
 *   ServicePrincipalSignInLogs → AADServicePrincipalSignInLogs
 *   ManagedIdentitySignInLogs  → AADManagedIdentitySignInLogs
 *   AuditLogs                  → AuditLogs
 *
 * Column names and kinds follow the Azure Monitor table reference: `dynamic` columns
 * (AdditionalInfo, KeyIds, Location of the risk events; InitiatedBy, TargetResources,
 * AdditionalDetails of AuditLogs) carry JSON values, and the sign-in tables' nested objects are
 * JSON text in `string` columns, as Azure writes them. `_BilledSize` and `_IsBillable` are the
 * workspace's own and are never sent. Two values differ from Entra's rows by necessity: `TenantId`
 * holds the Entra tenant of the record (Azure puts the workspace id there, which Vigil does not
 * know; AuditLogs rows carry the tenant as `AADTenantId` instead), and `SourceSystem` is `Vigil`.
 */
import type { ExportCategory, ExportRecord } from '../destination.ts';

/** The Log Analytics table of each category. */
export const tableOfCategory: Readonly<Record<ExportCategory, string>> = {
  RiskyServicePrincipals: 'AADRiskyServicePrincipals',
  ServicePrincipalRiskEvents: 'AADServicePrincipalRiskEvents',
  ServicePrincipalSignInLogs: 'AADServicePrincipalSignInLogs',
  ManagedIdentitySignInLogs: 'AADManagedIdentitySignInLogs',
  AuditLogs: 'AuditLogs',
};

/** One row, column name → value. */
export type LogAnalyticsRow = Record<string, unknown>;

const SOURCE_SYSTEM = 'Vigil';
// Entra's tenant-level logs name this provider as their resource, group and provider.
const AADIAM = 'Microsoft.aadiam';

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** JSON text of a nested value for a `string` column; null stays null. */
function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Graph's additionalInfo is JSON serialised as a string; the table's column is dynamic. */
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function common(record: ExportRecord): LogAnalyticsRow {
  return {
    TenantId: record.tenantId,
    TimeGenerated: record.envelope.time || record.time,
    OperationName: record.envelope.operationName,
    SourceSystem: SOURCE_SYSTEM,
    Type: tableOfCategory[record.category],
  };
}

function riskyServicePrincipalRow(record: ExportRecord): LogAnalyticsRow {
  const p = record.envelope.properties;
  return {
    ...common(record),
    // The table uses beta's name; v1.0 objects carry isEnabled.
    AccountEnabled: flag(p.accountEnabled) ?? flag(p.isEnabled),
    AppId: text(p.appId),
    CorrelationId: record.envelope.correlationId ?? null,
    DisplayName: text(p.displayName),
    Id: text(p.id),
    IsProcessing: flag(p.isProcessing),
    RiskDetail: text(p.riskDetail),
    RiskLastUpdatedDateTime: text(p.riskLastUpdatedDateTime),
    RiskLevel: text(p.riskLevel),
    RiskState: text(p.riskState),
    ServicePrincipalType: text(p.servicePrincipalType),
  };
}

function riskEventRow(record: ExportRecord): LogAnalyticsRow {
  const p = record.envelope.properties;
  return {
    ...common(record),
    Activity: text(p.activity),
    ActivityDateTime: text(p.activityDateTime),
    AdditionalInfo: parsedJson(p.additionalInfo),
    AppId: text(p.appId),
    CorrelationId: text(p.correlationId),
    DetectedDateTime: text(p.detectedDateTime),
    DetectionTimingType: text(p.detectionTimingType),
    Id: text(p.id),
    IpAddress: text(p.ipAddress),
    KeyIds: listOf(p.keyIds),
    LastUpdatedDateTime: text(p.lastUpdatedDateTime),
    Location: objectOf(p.location),
    RequestId: text(p.requestId),
    RiskDetail: text(p.riskDetail),
    RiskEventType: text(p.riskEventType),
    RiskLevel: text(p.riskLevel),
    RiskState: text(p.riskState),
    ServicePrincipalDisplayName: text(p.servicePrincipalDisplayName),
    ServicePrincipalId: text(p.servicePrincipalId),
    Source: text(p.source),
    TokenIssuerType: text(p.tokenIssuerType),
  };
}

function signInRow(record: ExportRecord): LogAnalyticsRow {
  const e = record.envelope;
  const p = e.properties;
  const status = objectOf(p.status);
  const location = objectOf(p.location);
  const errorCode = status?.errorCode;
  return {
    ...common(record),
    TimeGenerated: text(p.createdDateTime) ?? e.time ?? record.time,
    AppId: text(p.appId),
    AuthenticationContextClassReferences: jsonText(p.authenticationContextClassReferences),
    AuthenticationProcessingDetails: jsonText(p.authenticationProcessingDetails),
    Category: e.category,
    ConditionalAccessPolicies: jsonText(p.appliedConditionalAccessPolicies),
    ConditionalAccessStatus: text(p.conditionalAccessStatus),
    CorrelationId: text(p.correlationId) ?? e.correlationId ?? null,
    DurationMs: e.durationMs ?? 0,
    FederatedCredentialId: text(p.federatedCredentialId),
    Id: text(p.id),
    Identity: text(p.servicePrincipalName),
    IPAddress: text(p.ipAddress),
    Level: e.level ?? null,
    Location: text(location?.countryOrRegion) ?? e.location ?? null,
    LocationDetails: jsonText(location),
    OperationVersion: e.operationVersion,
    ResourceDisplayName: text(p.resourceDisplayName),
    ResourceGroup: AADIAM,
    ResourceIdentity: text(p.resourceId),
    ResourceServicePrincipalId: text(p.resourceServicePrincipalId),
    ResultDescription: text(status?.failureReason),
    ResultSignature: e.resultSignature ?? 'None',
    ResultType: e.resultType ?? text(errorCode),
    ServicePrincipalCredentialKeyId: text(p.servicePrincipalCredentialKeyId),
    ServicePrincipalCredentialThumbprint: text(p.servicePrincipalCredentialThumbprint),
    ServicePrincipalId: text(p.servicePrincipalId),
    ServicePrincipalName: text(p.servicePrincipalName),
    UniqueTokenIdentifier: text(p.uniqueTokenIdentifier),
  };
}

/** Who an audit names as its actor: the app's name, else the user's sign-in name. */
function identityOf(initiatedBy: Record<string, unknown> | null): string | null {
  const app = objectOf(initiatedBy?.app);
  const user = objectOf(initiatedBy?.user);
  return (
    text(app?.displayName) ??
    text(app?.servicePrincipalName) ??
    text(user?.userPrincipalName) ??
    text(user?.displayName) ??
    null
  );
}

function auditRow(record: ExportRecord): LogAnalyticsRow {
  const e = record.envelope;
  const p = e.properties;
  const initiatedBy = objectOf(p.initiatedBy);
  // AuditLogs names the Entra tenant AADTenantId and has no TenantId of its own to fill.
  const { TenantId: _workspace, ...base } = common(record);
  return {
    ...base,
    TimeGenerated: text(p.activityDateTime) ?? e.time ?? record.time,
    OperationName: e.operationName || text(p.activityDisplayName),
    AADOperationType: text(p.operationType) ?? 'Other',
    AADTenantId: record.tenantId,
    ActivityDateTime: text(p.activityDateTime),
    ActivityDisplayName: text(p.activityDisplayName),
    AdditionalDetails: listOf(p.additionalDetails),
    Category: text(p.category),
    CorrelationId: text(p.correlationId) ?? e.correlationId ?? null,
    DurationMs: e.durationMs ?? 0,
    Id: text(p.id),
    Identity: identityOf(initiatedBy),
    InitiatedBy: initiatedBy,
    Level: e.level ?? null,
    Location: e.location ?? null,
    LoggedByService: text(p.loggedByService),
    OperationVersion: e.operationVersion,
    Resource: AADIAM,
    ResourceGroup: AADIAM,
    ResourceId: e.resourceId,
    ResourceProvider: AADIAM,
    Result: text(p.result),
    ResultReason: text(p.resultReason),
    ResultSignature: e.resultSignature ?? null,
    ResultType: e.resultType ?? text(p.result),
    TargetResources: listOf(p.targetResources),
  };
}

/** The row of one record in its category's table (see `tableOfCategory`). */
export function rowOf(record: ExportRecord): LogAnalyticsRow {
  switch (record.category) {
    case 'RiskyServicePrincipals':
      return riskyServicePrincipalRow(record);
    case 'ServicePrincipalRiskEvents':
      return riskEventRow(record);
    case 'ServicePrincipalSignInLogs':
    case 'ManagedIdentitySignInLogs':
      return signInRow(record);
    case 'AuditLogs':
      return auditRow(record);
  }
}
