import type { InputFormat, ParseOutcome, SignIn, WorkloadKind } from '../../domain/index.ts';
import { appliedPoliciesText } from '../normalise/applied-policies-text.ts';
import { fieldReason } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { normaliseConditionalAccessStatus } from '../normalise/normalise-conditional-access-status.ts';
import { normaliseCredentialType } from '../normalise/normalise-credential-type.ts';
import { normaliseGuid } from '../normalise/normalise-guid.ts';
import { normaliseIdentifier } from '../normalise/normalise-identifier.ts';
import { normaliseIpAddress } from '../normalise/normalise-ip-address.ts';
import { normaliseStatusCode } from '../normalise/normalise-status-code.ts';
import { normaliseThumbprint } from '../normalise/normalise-thumbprint.ts';
import { normaliseTimestamp } from '../normalise/normalise-timestamp.ts';
import { optionalString } from '../normalise/optional-string.ts';
import { readSignInLocation } from '../normalise/read-sign-in-location.ts';

/** Managed identity type, when the record says there is one (`none` and blanks mean there is not). */
function managedIdentityType(value: unknown): string | null {
  const s = optionalString(value);
  return s === null || s === 'none' ? null : s;
}

/** An autonomous system number; 0 and non-integers mean unknown. */
function asnOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Quarantine outcome for one format. */
function quarantine(format: InputFormat, reason: string): ParseOutcome {
  return { kind: 'quarantined', format, reason };
}

/**
 * Builds a SignIn from a Graph-shaped (camelCase) signIn object: a beta Graph `signIn`, or the
 * `properties` of a diagnostic-settings export record. The kind is decided by the caller. An export
 * passes its envelope's `time` and `resultType`, which stand in for a missing `createdDateTime`
 * and `status.errorCode`; a bare Graph record passes undefined.
 */
export function signInFromGraph(
  p: JsonObject,
  tenantId: string,
  kind: WorkloadKind,
  format: InputFormat,
  fallbackTime: unknown,
  fallbackResultType: unknown,
): ParseOutcome {
  const id = normaliseIdentifier(p.id);
  if (id === null) return quarantine(format, fieldReason('id', p.id, 'a non-empty string'));

  const timeField =
    p.createdDateTime === undefined && fallbackTime !== undefined ? 'time' : 'createdDateTime';
  const rawTime = timeField === 'time' ? fallbackTime : p.createdDateTime;
  const createdAt = normaliseTimestamp(rawTime);
  if (createdAt === null) return quarantine(format, fieldReason(timeField, rawTime, 'a timestamp'));

  const servicePrincipalId = normaliseGuid(p.servicePrincipalId);
  if (servicePrincipalId === null) {
    return quarantine(format, fieldReason('servicePrincipalId', p.servicePrincipalId, 'a GUID'));
  }

  const status = p.status;
  let statusCode: number | null;
  if (isJsonObject(status) && status.errorCode !== undefined && status.errorCode !== null) {
    statusCode = normaliseStatusCode(status.errorCode);
    if (statusCode === null) {
      return quarantine(format, fieldReason('status.errorCode', status.errorCode, 'an integer'));
    }
  } else if (status !== undefined && status !== null && !isJsonObject(status)) {
    return quarantine(format, fieldReason('status', status, 'an object'));
  } else if (fallbackResultType !== undefined && fallbackResultType !== null && fallbackResultType !== '') {
    statusCode = normaliseStatusCode(fallbackResultType);
    if (statusCode === null) {
      return quarantine(format, fieldReason('resultType', fallbackResultType, 'an integer'));
    }
  } else {
    return quarantine(format, 'missing status.errorCode');
  }

  const ipAddress = normaliseIpAddress(p.ipAddress);
  if (ipAddress === false) return quarantine(format, fieldReason('ipAddress', p.ipAddress, 'an IP address'));

  const place = readSignInLocation(p.location);
  if (place === null) return quarantine(format, fieldReason('location', p.location, 'an object'));

  const msi = p.managedServiceIdentity;
  let msiType: string | null = null;
  let associatedResourceId: string | null = null;
  if (isJsonObject(msi)) {
    msiType = managedIdentityType(msi.msiType);
    associatedResourceId = optionalString(msi.associatedResourceId);
  }
  // Exports write the type flat as `managedIdentityType`; Graph nests it.
  if (msiType === null) msiType = managedIdentityType(p.managedIdentityType);

  let credentialType = normaliseCredentialType(p.clientCredentialType);
  // Managed identities authenticate one way only; sources that omit the field mean this.
  if (credentialType === null && kind === 'managedIdentity') credentialType = 'managedIdentity';

  const signIn: SignIn = {
    tenantId,
    id,
    kind,
    createdAt,
    servicePrincipalId,
    servicePrincipalName: optionalString(p.servicePrincipalName) ?? optionalString(p.appDisplayName),
    appId: normaliseIdentifier(p.appId),
    ipAddress,
    asn: asnOf(p.autonomousSystemNumber),
    asOrg: null,
    country: place.country,
    state: place.state,
    city: place.city,
    hosting: null,
    hostingProvider: null,
    resourceId: normaliseIdentifier(p.resourceId),
    resourceName: optionalString(p.resourceDisplayName),
    resourceServicePrincipalId: normaliseIdentifier(p.resourceServicePrincipalId),
    userAgent: optionalString(p.userAgent),
    credentialType,
    credentialKeyId: normaliseIdentifier(p.servicePrincipalCredentialKeyId),
    credentialThumbprint: normaliseThumbprint(p.servicePrincipalCredentialThumbprint),
    federatedCredentialId: normaliseIdentifier(p.federatedCredentialId),
    statusCode,
    failureReason: isJsonObject(status) ? optionalString(status.failureReason) : null,
    conditionalAccessStatus: normaliseConditionalAccessStatus(p.conditionalAccessStatus),
    appliedPolicies: appliedPoliciesText(p.appliedConditionalAccessPolicies),
    requestId: normaliseIdentifier(p.originalRequestId),
    correlationId: normaliseIdentifier(p.correlationId),
    msiType,
    associatedResourceId,
  };
  return { kind: 'record', format, record: { type: 'signIn', value: signIn } };
}

/**
 * Which workload signed in, from the record alone: `signInEventTypes`, else a managed identity
 * type, else `clientCredentialType: managedIdentity`. Null when the record names none of these.
 */
export function workloadKindOf(p: JsonObject): WorkloadKind | null {
  const types = p.signInEventTypes;
  if (Array.isArray(types)) {
    for (let i = 0; i < types.length; i++) {
      const t = types[i];
      if (t === 'servicePrincipal') return 'servicePrincipal';
      if (t === 'managedIdentity') return 'managedIdentity';
    }
  }
  const msi = p.managedServiceIdentity;
  if (isJsonObject(msi) && managedIdentityType(msi.msiType) !== null) return 'managedIdentity';
  if (managedIdentityType(p.managedIdentityType) !== null) return 'managedIdentity';
  if (p.clientCredentialType === 'managedIdentity') return 'managedIdentity';
  return null;
}

/** The category to report for a sign-in that is not a workload's (`interactiveUser`, `nonInteractiveUser`, …), or null. */
function userSignInCategory(p: JsonObject): string | null {
  const types = p.signInEventTypes;
  if (Array.isArray(types) && typeof types[0] === 'string' && types[0].length > 0) return types[0];
  if (p.isInteractive === true) return 'interactiveUser';
  if (optionalString(p.userPrincipalName) !== null || optionalString(p.userId) !== null) {
    return p.isInteractive === false ? 'nonInteractiveUser' : 'interactiveUser';
  }
  return null;
}

/**
 * Parses a beta Graph `signIn`. Service principal and managed identity sign-ins become records;
 * user sign-ins are skipped with their event type as category. A record without event types or
 * user fields but with a `servicePrincipalId` is taken as a service principal sign-in, as the
 * v1.0-shaped Graph responses lack `signInEventTypes`. The tenant is `resourceTenantId` when it is
 * a GUID (a workload sign-in is logged in the resource's tenant), else the default.
 */
export function parseGraphSignIn(p: JsonObject, defaultTenantId: string): ParseOutcome {
  let kind = workloadKindOf(p);
  if (kind === null) {
    const category = userSignInCategory(p);
    if (category !== null) return { kind: 'skipped', format: 'graphSignIn', category };
    if (normaliseGuid(p.servicePrincipalId) === null) {
      return quarantine(
        'graphSignIn',
        'unrecognised sign-in: no signInEventTypes, managed identity, user or servicePrincipalId',
      );
    }
    kind = 'servicePrincipal';
  }
  const tenantId = normaliseGuid(p.resourceTenantId) ?? defaultTenantId;
  return signInFromGraph(p, tenantId, kind, 'graphSignIn', undefined, undefined);
}
