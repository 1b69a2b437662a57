import type { ParseOutcome } from '../../domain/index.ts';
import { fieldReason } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { normaliseGuid } from '../normalise/normalise-guid.ts';
import { directoryAuditFromGraph } from './graph-directory-audit.ts';
import { signInFromGraph } from './graph-sign-in.ts';

/** `resourceId` of tenant-level Entra logs: `/tenants/<tenant-id>/providers/Microsoft.aadiam`. */
const TENANT_RESOURCE_PREFIX = '/tenants/';

/** The tenant GUID inside a `/tenants/<id>/…` resource id, or null. */
function tenantFromResourceId(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < TENANT_RESOURCE_PREFIX.length + 36) return null;
  if (value.slice(0, TENANT_RESOURCE_PREFIX.length).toLowerCase() !== TENANT_RESOURCE_PREFIX) return null;
  return normaliseGuid(value.slice(TENANT_RESOURCE_PREFIX.length, TENANT_RESOURCE_PREFIX.length + 36));
}

/**
 * Parses one diagnostic-settings export record (a `PT1H.json` line in a storage account, or an item
 * of an Event Hub `records` array): top-level `time`, `category`, `tenantId`, `resultType`, and the
 * Graph object in `properties`. Service principal and managed identity sign-ins and audit logs are
 * read; every other category (user sign-ins, provisioning, risk events, …) is skipped by name.
 * The record's `tenantId` (or the tenant in its `resourceId`) wins over the default tenant.
 */
export function parseEntraDiagnosticRecord(r: JsonObject, defaultTenantId: string): ParseOutcome {
  const category = r.category;
  if (typeof category !== 'string') {
    return {
      kind: 'quarantined',
      format: 'entraDiagnostic',
      reason: fieldReason('category', category, 'a string'),
    };
  }
  let kind: 'servicePrincipal' | 'managedIdentity' | 'audit';
  switch (category) {
    case 'ServicePrincipalSignInLogs':
      kind = 'servicePrincipal';
      break;
    case 'ManagedIdentitySignInLogs':
      kind = 'managedIdentity';
      break;
    case 'AuditLogs':
      kind = 'audit';
      break;
    default:
      return { kind: 'skipped', format: 'entraDiagnostic', category };
  }
  const properties = r.properties;
  if (!isJsonObject(properties)) {
    return {
      kind: 'quarantined',
      format: 'entraDiagnostic',
      reason: fieldReason('properties', properties, 'an object'),
    };
  }
  let tenantId: string | null = null;
  if (r.tenantId !== undefined && r.tenantId !== null && r.tenantId !== '') {
    tenantId = normaliseGuid(r.tenantId);
    // A wrong tenant would file the record under another tenant's data; refuse rather than guess.
    if (tenantId === null) {
      return {
        kind: 'quarantined',
        format: 'entraDiagnostic',
        reason: fieldReason('tenantId', r.tenantId, 'a GUID'),
      };
    }
  }
  tenantId ??= tenantFromResourceId(r.resourceId) ?? defaultTenantId;
  if (kind === 'audit') return directoryAuditFromGraph(properties, tenantId, 'entraDiagnostic', r.time);
  return signInFromGraph(properties, tenantId, kind, 'entraDiagnostic', r.time, r.resultType);
}
