import type { InputFormat, ParseOutcome, SignIn, WorkloadKind } from '../../domain/index.ts';
import { appliedPoliciesText } from '../normalise/applied-policies-text.ts';
import { fieldReason } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { normaliseConditionalAccessStatus } from '../normalise/normalise-conditional-access-status.ts';
import { normaliseCountryCode } from '../normalise/normalise-country-code.ts';
import { normaliseCredentialType } from '../normalise/normalise-credential-type.ts';
import { normaliseGuid } from '../normalise/normalise-guid.ts';
import { normaliseIdentifier } from '../normalise/normalise-identifier.ts';
import { normaliseIpAddress } from '../normalise/normalise-ip-address.ts';
import { normaliseStatusCode } from '../normalise/normalise-status-code.ts';
import { normaliseThumbprint } from '../normalise/normalise-thumbprint.ts';
import { normaliseTimestamp } from '../normalise/normalise-timestamp.ts';
import { optionalString } from '../normalise/optional-string.ts';
import { INVALID_JSON, readJsonColumn } from '../normalise/read-json-column.ts';
import { readSignInLocation } from '../normalise/read-sign-in-location.ts';
import { type AuditFieldNames, buildDirectoryAudit } from './graph-directory-audit.ts';

const FORMAT: InputFormat = 'logAnalytics';

/** Column names of the AuditLogs table, for quarantine reasons. */
const AUDIT_NAMES: AuditFieldNames = {
  id: 'Id',
  time: 'ActivityDateTime',
  activityDisplayName: 'ActivityDisplayName',
  initiatedBy: 'InitiatedBy',
  targetResources: 'TargetResources',
  additionalDetails: 'AdditionalDetails',
};
/** The same, for rows that carry only `TimeGenerated`. */
const AUDIT_NAMES_TIME_GENERATED: AuditFieldNames = { ...AUDIT_NAMES, time: 'TimeGenerated' };

/** Quarantine outcome for a Log Analytics row. */
function quarantine(reason: string): ParseOutcome {
  return { kind: 'quarantined', format: FORMAT, reason };
}

/** Reason for a dynamic column whose text is not JSON. */
function notJson(column: string): string {
  return `invalid ${column}: text is not valid JSON`;
}

/** Managed identity type, when the row says there is one (`none` and blanks mean there is not). */
function managedIdentityType(value: unknown): string | null {
  const s = optionalString(value);
  return s === null || s === 'none' ? null : s;
}

/** An ASN column, written as a number or as text; 0 means unknown. */
function asnOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? normaliseStatusCode(value) : null;
  return n !== null && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The Entra tenant of a sign-in row. `TenantId` is the Log Analytics workspace id, not the Entra
 * tenant, so it is never used; `ResourceTenantId` or `AADTenantId` when present, else the default.
 */
function signInTenant(row: JsonObject, defaultTenantId: string): string {
  return normaliseGuid(row.ResourceTenantId) ?? normaliseGuid(row.AADTenantId) ?? defaultTenantId;
}

/** Builds a SignIn from an AADServicePrincipalSignInLogs / AADManagedIdentitySignInLogs row. */
function signInFromRow(row: JsonObject, kind: WorkloadKind, defaultTenantId: string): ParseOutcome {
  const id = normaliseIdentifier(row.Id);
  if (id === null) return quarantine(fieldReason('Id', row.Id, 'a non-empty string'));

  // `TimeGenerated` is the sign-in time in these tables; `CreatedDateTime` appears in some exports.
  const timeField = row.CreatedDateTime !== undefined ? 'CreatedDateTime' : 'TimeGenerated';
  const rawTime = row[timeField];
  const createdAt = normaliseTimestamp(rawTime);
  if (createdAt === null) return quarantine(fieldReason(timeField, rawTime, 'a timestamp'));

  const servicePrincipalId = normaliseGuid(row.ServicePrincipalId);
  if (servicePrincipalId === null) {
    return quarantine(fieldReason('ServicePrincipalId', row.ServicePrincipalId, 'a GUID'));
  }

  let statusCode: number | null;
  let failureReason = optionalString(row.ResultDescription);
  const resultType = row.ResultType;
  if (resultType !== undefined && resultType !== null && resultType !== '') {
    statusCode = normaliseStatusCode(resultType);
    if (statusCode === null) return quarantine(fieldReason('ResultType', resultType, 'an integer'));
  } else {
    // Some exports carry the Graph `Status` object instead of `ResultType`.
    const status = readJsonColumn(row.Status);
    if (status === INVALID_JSON) return quarantine(notJson('Status'));
    if (!isJsonObject(status)) return quarantine('missing ResultType');
    statusCode = normaliseStatusCode(status.errorCode);
    if (statusCode === null) {
      return quarantine(fieldReason('Status.errorCode', status.errorCode, 'an integer'));
    }
    failureReason ??= optionalString(status.failureReason);
  }

  const ipAddress = normaliseIpAddress(row.IPAddress);
  if (ipAddress === false) return quarantine(fieldReason('IPAddress', row.IPAddress, 'an IP address'));

  const location = readJsonColumn(row.LocationDetails);
  if (location === INVALID_JSON) return quarantine(notJson('LocationDetails'));
  const place = readSignInLocation(location);
  if (place === null) return quarantine(fieldReason('LocationDetails', location, 'an object'));
  // `Location` holds the country code alone; it fills in when `LocationDetails` is absent.
  const country = place.country ?? normaliseCountryCode(row.Location);

  const policies = readJsonColumn(row.ConditionalAccessPolicies);
  if (policies === INVALID_JSON) return quarantine(notJson('ConditionalAccessPolicies'));

  const msi = readJsonColumn(row.ManagedServiceIdentity);
  if (msi === INVALID_JSON) return quarantine(notJson('ManagedServiceIdentity'));
  let msiType: string | null = null;
  let associatedResourceId: string | null = null;
  if (isJsonObject(msi)) {
    msiType = managedIdentityType(msi.msiType);
    associatedResourceId = optionalString(msi.associatedResourceId);
  }
  msiType ??= managedIdentityType(row.MsiType) ?? managedIdentityType(row.ManagedIdentityType);
  associatedResourceId ??= optionalString(row.AssociatedResourceId);

  let credentialType = normaliseCredentialType(row.ClientCredentialType);
  // The tables have no credential type column; a managed identity can only use its managed credential.
  if (credentialType === null && kind === 'managedIdentity') credentialType = 'managedIdentity';

  const signIn: SignIn = {
    tenantId: signInTenant(row, defaultTenantId),
    id,
    kind,
    createdAt,
    servicePrincipalId,
    servicePrincipalName: optionalString(row.ServicePrincipalName) ?? optionalString(row.AppDisplayName),
    appId: normaliseIdentifier(row.AppId),
    ipAddress,
    asn: asnOf(row.AutonomousSystemNumber),
    asOrg: null,
    country,
    state: place.state,
    city: place.city,
    hosting: null,
    hostingProvider: null,
    // `ResourceIdentity` is the table's name for Graph `resourceId` (the resource's app id).
    resourceId: normaliseIdentifier(row.ResourceIdentity) ?? normaliseIdentifier(row.ResourceId),
    resourceName: optionalString(row.ResourceDisplayName),
    resourceServicePrincipalId: normaliseIdentifier(row.ResourceServicePrincipalId),
    userAgent: optionalString(row.UserAgent),
    credentialType,
    credentialKeyId: normaliseIdentifier(row.ServicePrincipalCredentialKeyId),
    credentialThumbprint: normaliseThumbprint(row.ServicePrincipalCredentialThumbprint),
    federatedCredentialId: normaliseIdentifier(row.FederatedCredentialId),
    statusCode,
    failureReason,
    conditionalAccessStatus: normaliseConditionalAccessStatus(row.ConditionalAccessStatus),
    appliedPolicies: appliedPoliciesText(policies),
    requestId: normaliseIdentifier(row.OriginalRequestId),
    correlationId: normaliseIdentifier(row.CorrelationId),
    msiType,
    associatedResourceId,
  };
  return { kind: 'record', format: FORMAT, record: { type: 'signIn', value: signIn } };
}

/** Builds a DirectoryAudit from an AuditLogs row; nested columns may be JSON text or values. */
function auditFromRow(row: JsonObject, defaultTenantId: string): ParseOutcome {
  const initiatedBy = readJsonColumn(row.InitiatedBy);
  if (initiatedBy === INVALID_JSON) return quarantine(notJson('InitiatedBy'));
  const targetResources = readJsonColumn(row.TargetResources);
  if (targetResources === INVALID_JSON) return quarantine(notJson('TargetResources'));
  const additionalDetails = readJsonColumn(row.AdditionalDetails);
  if (additionalDetails === INVALID_JSON) return quarantine(notJson('AdditionalDetails'));
  const hasActivityTime = row.ActivityDateTime !== undefined && row.ActivityDateTime !== null;
  return buildDirectoryAudit(
    {
      id: row.Id,
      time: hasActivityTime ? row.ActivityDateTime : row.TimeGenerated,
      // `OperationName` holds the activity name too, in rows projected without ActivityDisplayName.
      activityDisplayName: row.ActivityDisplayName ?? row.OperationName,
      category: row.Category,
      operationType: row.AADOperationType ?? row.OperationType,
      result: row.Result,
      resultReason: row.ResultReason,
      loggedByService: row.LoggedByService,
      correlationId: row.CorrelationId,
      initiatedBy,
      targetResources,
      additionalDetails,
    },
    hasActivityTime ? AUDIT_NAMES : AUDIT_NAMES_TIME_GENERATED,
    // `AADTenantId` is the Entra tenant; `TenantId` is the workspace.
    normaliseGuid(row.AADTenantId) ?? defaultTenantId,
    FORMAT,
  );
}

/**
 * Parses one Log Analytics / Sentinel row (PascalCase columns, `Type` = table name). Rows of
 * AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs and AuditLogs are read; rows of other
 * tables (SigninLogs, AADNonInteractiveUserSignInLogs, …) are skipped by table name. Rows projected
 * without `Type` are recognised by `Category` or by an activity name.
 */
export function parseLogAnalyticsRow(row: JsonObject, defaultTenantId: string): ParseOutcome {
  const type = row.Type;
  if (typeof type === 'string') {
    switch (type) {
      case 'AADServicePrincipalSignInLogs':
        return signInFromRow(row, 'servicePrincipal', defaultTenantId);
      case 'AADManagedIdentitySignInLogs':
        return signInFromRow(row, 'managedIdentity', defaultTenantId);
      case 'AuditLogs':
        return auditFromRow(row, defaultTenantId);
      default:
        return { kind: 'skipped', format: FORMAT, category: type };
    }
  }
  if (type !== undefined && type !== null) return quarantine(fieldReason('Type', type, 'a table name'));
  const category = row.Category;
  if (category === 'ServicePrincipalSignInLogs') {
    return signInFromRow(row, 'servicePrincipal', defaultTenantId);
  }
  if (category === 'ManagedIdentitySignInLogs') return signInFromRow(row, 'managedIdentity', defaultTenantId);
  if (row.ActivityDisplayName !== undefined) return auditFromRow(row, defaultTenantId);
  if (typeof category === 'string' && category.length > 0) {
    return { kind: 'skipped', format: FORMAT, category };
  }
  return quarantine('unrecognised Log Analytics row: no Type, Category or ActivityDisplayName column');
}
