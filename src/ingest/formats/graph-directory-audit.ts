import type {
  AuditActor,
  AuditTarget,
  DirectoryAudit,
  InputFormat,
  ModifiedProperty,
  ParseOutcome,
} from '../../domain/index.ts';
import { credentialChangesFromAudit } from '../normalise/credential-changes-from-audit.ts';
import { fieldReason } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { normaliseActivityName } from '../normalise/normalise-activity-name.ts';
import { normaliseIdentifier } from '../normalise/normalise-identifier.ts';
import { normaliseIpAddress } from '../normalise/normalise-ip-address.ts';
import { normaliseTimestamp } from '../normalise/normalise-timestamp.ts';
import { optionalString } from '../normalise/optional-string.ts';

/** The actor of an audit whose initiator is not reported. */
function unknownActor(): AuditActor {
  return {
    kind: 'unknown',
    id: null,
    displayName: null,
    userPrincipalName: null,
    appId: null,
    servicePrincipalId: null,
    ipAddress: null,
  };
}

/**
 * Reads Graph `initiatedBy` (`{ user: userIdentity, app: appIdentity }`). A user with any identifying
 * field wins over an app. An actor IP that is not an address is dropped rather than quarantining the
 * event: the IP is incidental here, and credential changes must not be lost over it.
 * Returns a quarantine reason (naming `field`, the source's name for the value) on wrong types.
 */
function readAuditActor(value: unknown, field: string): AuditActor | string {
  if (value === undefined || value === null) return unknownActor();
  if (!isJsonObject(value)) return fieldReason(field, value, 'an object');
  const user = value.user;
  const app = value.app;
  if (user !== undefined && user !== null && !isJsonObject(user)) {
    return fieldReason(`${field}.user`, user, 'an object');
  }
  if (app !== undefined && app !== null && !isJsonObject(app)) {
    return fieldReason(`${field}.app`, app, 'an object');
  }
  if (isJsonObject(user)) {
    const id = normaliseIdentifier(user.id);
    const userPrincipalName = optionalString(user.userPrincipalName);
    const displayName = optionalString(user.displayName);
    if (id !== null || userPrincipalName !== null || displayName !== null) {
      const ip = normaliseIpAddress(user.ipAddress);
      return {
        kind: 'user',
        id,
        displayName,
        userPrincipalName,
        appId: null,
        servicePrincipalId: null,
        ipAddress: ip === false ? null : ip,
      };
    }
  }
  if (isJsonObject(app)) {
    const servicePrincipalId = normaliseIdentifier(app.servicePrincipalId);
    const appId = normaliseIdentifier(app.appId);
    const displayName = optionalString(app.displayName) ?? optionalString(app.servicePrincipalName);
    if (servicePrincipalId !== null || appId !== null || displayName !== null) {
      return {
        kind: 'app',
        id: servicePrincipalId,
        displayName,
        userPrincipalName: null,
        appId,
        servicePrincipalId,
        ipAddress: null,
      };
    }
  }
  return unknownActor();
}

/** Old/new property values are JSON text; a re-export that already decoded them is written back as text. */
function propertyValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads Graph `targetResources`. Returns a quarantine reason naming `field` when a value has the wrong type. */
function readAuditTargets(value: unknown, field: string): AuditTarget[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fieldReason(field, value, 'an array');
  const targets: AuditTarget[] = [];
  for (let i = 0; i < value.length; i++) {
    const t: unknown = value[i];
    if (!isJsonObject(t)) return fieldReason(`${field}[${i}]`, t, 'an object');
    const rawProperties = t.modifiedProperties;
    const modifiedProperties: ModifiedProperty[] = [];
    if (Array.isArray(rawProperties)) {
      for (let j = 0; j < rawProperties.length; j++) {
        const mp: unknown = rawProperties[j];
        if (!isJsonObject(mp)) {
          return fieldReason(`${field}[${i}].modifiedProperties[${j}]`, mp, 'an object');
        }
        modifiedProperties.push({
          displayName: optionalString(mp.displayName) ?? '',
          oldValue: propertyValue(mp.oldValue),
          newValue: propertyValue(mp.newValue),
        });
      }
    } else if (rawProperties !== undefined && rawProperties !== null) {
      return fieldReason(`${field}[${i}].modifiedProperties`, rawProperties, 'an array');
    }
    targets.push({
      id: normaliseIdentifier(t.id),
      displayName: optionalString(t.displayName) ?? optionalString(t.userPrincipalName),
      type: optionalString(t.type),
      modifiedProperties,
    });
  }
  return targets;
}

/** Reads Graph `additionalDetails` (`[{ key, value }]`). Returns a quarantine reason naming `field` on wrong types. */
function readAdditionalDetails(value: unknown, field: string): DirectoryAudit['additionalDetails'] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fieldReason(field, value, 'an array');
  const details: DirectoryAudit['additionalDetails'] = [];
  for (let i = 0; i < value.length; i++) {
    const d: unknown = value[i];
    if (!isJsonObject(d)) return fieldReason(`${field}[${i}]`, d, 'an object');
    const key = optionalString(d.key);
    if (key === null) continue;
    const v = d.value;
    details.push({
      key,
      value: v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v),
    });
  }
  return details;
}

/** The scalar fields of an audit, however the source names them; the builder validates them. */
export interface AuditFields {
  id: unknown;
  time: unknown;
  activityDisplayName: unknown;
  category: unknown;
  operationType: unknown;
  result: unknown;
  resultReason: unknown;
  loggedByService: unknown;
  correlationId: unknown;
  initiatedBy: unknown;
  targetResources: unknown;
  additionalDetails: unknown;
}

/** The source's own names for validated fields, so quarantine reasons say what the user's data calls them. */
export interface AuditFieldNames {
  id: string;
  time: string;
  activityDisplayName: string;
  initiatedBy: string;
  targetResources: string;
  additionalDetails: string;
}

/** Validates and normalises audit fields into a DirectoryAudit and the credential changes it records. */
export function buildDirectoryAudit(
  f: AuditFields,
  names: AuditFieldNames,
  tenantId: string,
  format: InputFormat,
): ParseOutcome {
  const id = normaliseIdentifier(f.id);
  if (id === null) {
    return { kind: 'quarantined', format, reason: fieldReason(names.id, f.id, 'a non-empty string') };
  }
  const activityDateTime = normaliseTimestamp(f.time);
  if (activityDateTime === null) {
    return { kind: 'quarantined', format, reason: fieldReason(names.time, f.time, 'a timestamp') };
  }
  const activityDisplayName = optionalString(f.activityDisplayName);
  if (activityDisplayName === null || typeof f.activityDisplayName !== 'string') {
    const reason = fieldReason(names.activityDisplayName, f.activityDisplayName, 'a string');
    return { kind: 'quarantined', format, reason };
  }
  const initiatedBy = readAuditActor(f.initiatedBy, names.initiatedBy);
  if (typeof initiatedBy === 'string') return { kind: 'quarantined', format, reason: initiatedBy };
  const targets = readAuditTargets(f.targetResources, names.targetResources);
  if (typeof targets === 'string') return { kind: 'quarantined', format, reason: targets };
  const additionalDetails = readAdditionalDetails(f.additionalDetails, names.additionalDetails);
  if (typeof additionalDetails === 'string') {
    return { kind: 'quarantined', format, reason: additionalDetails };
  }

  const audit: DirectoryAudit = {
    tenantId,
    id,
    activityDateTime,
    // Kept exactly as written (dash, trailing space and all); `activity` is the form to match on.
    activityDisplayName: f.activityDisplayName,
    activity: normaliseActivityName(activityDisplayName),
    category: optionalString(f.category),
    operationType: optionalString(f.operationType),
    result: optionalString(f.result),
    resultReason: optionalString(f.resultReason),
    loggedByService: optionalString(f.loggedByService),
    correlationId: normaliseIdentifier(f.correlationId),
    initiatedBy,
    targets,
    additionalDetails,
  };
  const credentialChanges = credentialChangesFromAudit(audit);
  return { kind: 'record', format, record: { type: 'audit', value: audit, credentialChanges } };
}

/** Graph's own field names. */
const GRAPH_NAMES: AuditFieldNames = {
  id: 'id',
  time: 'activityDateTime',
  activityDisplayName: 'activityDisplayName',
  initiatedBy: 'initiatedBy',
  targetResources: 'targetResources',
  additionalDetails: 'additionalDetails',
};
/** Graph's names, for an export record whose time comes from the envelope. */
const EXPORT_NAMES: AuditFieldNames = { ...GRAPH_NAMES, time: 'time' };

/** Builds a DirectoryAudit from a Graph-shaped (camelCase) directoryAudit object: Graph, or export `properties`. */
export function directoryAuditFromGraph(
  p: JsonObject,
  tenantId: string,
  format: InputFormat,
  fallbackTime: unknown,
): ParseOutcome {
  const useFallback = p.activityDateTime === undefined && fallbackTime !== undefined;
  return buildDirectoryAudit(
    {
      id: p.id,
      time: useFallback ? fallbackTime : p.activityDateTime,
      activityDisplayName: p.activityDisplayName,
      category: p.category,
      operationType: p.operationType,
      result: p.result,
      resultReason: p.resultReason,
      loggedByService: p.loggedByService,
      correlationId: p.correlationId,
      initiatedBy: p.initiatedBy,
      targetResources: p.targetResources,
      additionalDetails: p.additionalDetails,
    },
    useFallback ? EXPORT_NAMES : GRAPH_NAMES,
    tenantId,
    format,
  );
}

/** Parses a Graph `directoryAudit`. Graph audits carry no tenant, so the default tenant applies. */
export function parseGraphDirectoryAudit(p: JsonObject, defaultTenantId: string): ParseOutcome {
  return directoryAuditFromGraph(p, defaultTenantId, 'graphDirectoryAudit', undefined);
}
