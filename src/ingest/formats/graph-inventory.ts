import type {
  Application,
  Credential,
  InputFormat,
  ParseOutcome,
  PrincipalKind,
  ServicePrincipal,
} from '../../domain/index.ts';
import { fieldReason } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { normaliseGuid } from '../normalise/normalise-guid.ts';
import { normaliseTimestamp } from '../normalise/normalise-timestamp.ts';
import { optionalString } from '../normalise/optional-string.ts';

/** 40 (SHA-1) or 64 (SHA-256) hex characters: a thumbprint already written as text. */
const HEX_THUMBPRINT = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Azure resource ids start so; managed identities list theirs among their service principal names. */
const ARM_RESOURCE_PREFIX = '/subscriptions/';

/**
 * A certificate thumbprint (upper-case hex) from `customKeyIdentifier`. Graph serialises this
 * Binary as base64 of the thumbprint's bytes (20 for SHA-1); some tools store the hex text itself,
 * base64-encoded or plain. Anything else (a free-form identifier) is not a thumbprint: null.
 */
export function thumbprintFromCustomKeyIdentifier(value: unknown): string | null {
  const s = optionalString(value);
  if (s === null) return null;
  if (HEX_THUMBPRINT.test(s)) return s.toUpperCase();
  if (!BASE64.test(s)) return null;
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length === 20 || bytes.length === 32) return bytes.toString('hex').toUpperCase();
  const text = bytes.toString('latin1');
  return HEX_THUMBPRINT.test(text) ? text.toUpperCase() : null;
}

/** Where a credential list hangs: the owner's identity and tenant. */
interface Owner {
  tenantId: string;
  ownerId: string;
  ownerType: Credential['ownerType'];
}

/** A credential with its audit-only lifecycle fields empty (the audit log fills them). */
function credential(
  owner: Owner,
  keyId: string,
  type: Credential['type'],
  fields: Pick<
    Credential,
    | 'keyType'
    | 'usage'
    | 'displayName'
    | 'hint'
    | 'thumbprint'
    | 'startDateTime'
    | 'endDateTime'
    | 'issuer'
    | 'subject'
    | 'audiences'
  >,
): Credential {
  return {
    tenantId: owner.tenantId,
    ownerId: owner.ownerId,
    ownerType: owner.ownerType,
    keyId,
    type,
    ...fields,
    addedAt: null,
    addedBy: null,
    removedAt: null,
    removedBy: null,
  };
}

/**
 * Reads `keyCredentials`, `passwordCredentials` and `federatedIdentityCredentials` into `out`.
 * Returns a reason when a list or an element has the wrong type or lacks its id: a credential that
 * cannot be identified cannot be tracked, and dropping it silently would hide it.
 */
function readCredentials(o: JsonObject, owner: Owner, out: Credential[]): string | null {
  // Malformed validity dates become null rather than costing the whole record: the credential still exists.
  const keys = o.keyCredentials;
  if (Array.isArray(keys)) {
    for (let i = 0; i < keys.length; i++) {
      const k: unknown = keys[i];
      if (!isJsonObject(k)) return fieldReason(`keyCredentials[${i}]`, k, 'an object');
      const keyId = normaliseGuid(k.keyId);
      if (keyId === null) return fieldReason(`keyCredentials[${i}].keyId`, k.keyId, 'a GUID');
      out.push(
        credential(owner, keyId, 'certificate', {
          keyType: optionalString(k.type),
          usage: optionalString(k.usage),
          displayName: optionalString(k.displayName),
          hint: null,
          thumbprint: thumbprintFromCustomKeyIdentifier(k.customKeyIdentifier),
          startDateTime: normaliseTimestamp(k.startDateTime),
          endDateTime: normaliseTimestamp(k.endDateTime),
          issuer: null,
          subject: null,
          audiences: null,
        }),
      );
    }
  } else if (keys !== undefined && keys !== null) {
    return fieldReason('keyCredentials', keys, 'an array');
  }

  const passwords = o.passwordCredentials;
  if (Array.isArray(passwords)) {
    for (let i = 0; i < passwords.length; i++) {
      const p: unknown = passwords[i];
      if (!isJsonObject(p)) return fieldReason(`passwordCredentials[${i}]`, p, 'an object');
      const keyId = normaliseGuid(p.keyId);
      if (keyId === null) return fieldReason(`passwordCredentials[${i}].keyId`, p.keyId, 'a GUID');
      out.push(
        credential(owner, keyId, 'password', {
          keyType: 'Password',
          usage: null,
          displayName: optionalString(p.displayName),
          hint: optionalString(p.hint),
          thumbprint: null,
          startDateTime: normaliseTimestamp(p.startDateTime),
          endDateTime: normaliseTimestamp(p.endDateTime),
          issuer: null,
          subject: null,
          audiences: null,
        }),
      );
    }
  } else if (passwords !== undefined && passwords !== null) {
    return fieldReason('passwordCredentials', passwords, 'an array');
  }

  const federated = o.federatedIdentityCredentials;
  if (Array.isArray(federated)) {
    for (let i = 0; i < federated.length; i++) {
      const f: unknown = federated[i];
      if (!isJsonObject(f)) return fieldReason(`federatedIdentityCredentials[${i}]`, f, 'an object');
      const keyId = normaliseGuid(f.id);
      if (keyId === null) return fieldReason(`federatedIdentityCredentials[${i}].id`, f.id, 'a GUID');
      const audiences = f.audiences;
      out.push(
        credential(owner, keyId, 'federated', {
          keyType: null,
          usage: null,
          displayName: optionalString(f.name),
          hint: null,
          thumbprint: null,
          startDateTime: null,
          endDateTime: null,
          issuer: optionalString(f.issuer),
          subject: optionalString(f.subject),
          audiences: Array.isArray(audiences) && audiences.length > 0 ? JSON.stringify(audiences) : null,
        }),
      );
    }
  } else if (federated !== undefined && federated !== null) {
    return fieldReason('federatedIdentityCredentials', federated, 'an array');
  }
  return null;
}

/**
 * What a service principal stands for. Without `servicePrincipalType` (a `$select` that left it
 * out), a service principal name that is an Azure resource id marks a managed identity.
 */
function principalKind(type: string | null, names: unknown): PrincipalKind {
  if (type === 'Application') return 'application';
  if (type === 'ManagedIdentity') return 'managedIdentity';
  if (type !== null) return 'other';
  if (Array.isArray(names)) {
    for (const name of names) {
      if (typeof name === 'string' && name.toLowerCase().startsWith(ARM_RESOURCE_PREFIX)) {
        return 'managedIdentity';
      }
    }
  }
  return 'application';
}

/** Quarantine outcome for an inventory format. */
function quarantine(format: InputFormat, reason: string): ParseOutcome {
  return { kind: 'quarantined', format, reason };
}

/**
 * Parses a Graph `servicePrincipal` with its key, password and (if expanded) federated credentials.
 * `appOwnerOrganizationId` is the tenant that owns the app, not the tenant being imported: the
 * record belongs to the default tenant.
 */
export function parseGraphServicePrincipal(o: JsonObject, defaultTenantId: string): ParseOutcome {
  const format: InputFormat = 'graphServicePrincipal';
  const id = normaliseGuid(o.id);
  if (id === null) return quarantine(format, fieldReason('id', o.id, 'a GUID'));
  const servicePrincipalType = optionalString(o.servicePrincipalType);
  const accountEnabled = o.accountEnabled;
  const value: ServicePrincipal = {
    tenantId: defaultTenantId,
    id,
    appId: normaliseGuid(o.appId),
    displayName: optionalString(o.displayName),
    kind: principalKind(servicePrincipalType, o.servicePrincipalNames),
    servicePrincipalType,
    appOwnerOrganizationId: normaliseGuid(o.appOwnerOrganizationId),
    accountEnabled: typeof accountEnabled === 'boolean' ? accountEnabled : null,
    createdAt: normaliseTimestamp(o.createdDateTime),
    source: 'inventory',
  };
  const credentials: Credential[] = [];
  const reason = readCredentials(
    o,
    { tenantId: defaultTenantId, ownerId: id, ownerType: 'servicePrincipal' },
    credentials,
  );
  if (reason !== null) return quarantine(format, reason);
  return { kind: 'record', format, record: { type: 'servicePrincipal', value, credentials } };
}

/** Parses a Graph `application` (app registration) with its credentials, federated ones included when expanded. */
export function parseGraphApplication(o: JsonObject, defaultTenantId: string): ParseOutcome {
  const format: InputFormat = 'graphApplication';
  const id = normaliseGuid(o.id);
  if (id === null) return quarantine(format, fieldReason('id', o.id, 'a GUID'));
  const appId = normaliseGuid(o.appId);
  if (appId === null) return quarantine(format, fieldReason('appId', o.appId, 'a GUID'));
  const value: Application = {
    tenantId: defaultTenantId,
    id,
    appId,
    displayName: optionalString(o.displayName),
    signInAudience: optionalString(o.signInAudience),
    createdAt: normaliseTimestamp(o.createdDateTime),
  };
  const credentials: Credential[] = [];
  const reason = readCredentials(
    o,
    { tenantId: defaultTenantId, ownerId: id, ownerType: 'application' },
    credentials,
  );
  if (reason !== null) return quarantine(format, reason);
  return { kind: 'record', format, record: { type: 'application', value, credentials } };
}
