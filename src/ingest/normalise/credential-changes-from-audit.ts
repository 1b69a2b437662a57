import type {
  AuditActor,
  AuditTarget,
  CredentialChange,
  CredentialType,
  DirectoryAudit,
} from '../../domain/index.ts';
import { isJsonObject } from './is-json-object.ts';
import { normaliseIdentifier } from './normalise-identifier.ts';
import { optionalString } from './optional-string.ts';
import { type KeyDescription, listsKey, parseKeyDescriptions } from './parse-key-description.ts';

/**
 * Activities (normalised, lower-cased) whose `KeyDescription` property lists an object's keys
 * before and after. `Create application – …` is reported by one third-party source only; matching
 * it costs nothing.
 */
const KEY_ACTIVITIES = new Set([
  'add service principal credentials',
  'remove service principal credentials',
  'update application - certificates and secrets management',
  'create application - certificates and secrets management',
]);

/**
 * No activity name for federated identity credential changes is documented. Best effort: a
 * `FederatedIdentityCredentials` property on `Update application`, or any activity that names
 * federated identity credentials (the guessed `Add/Update/Delete federated identity credential`).
 */
const FEDERATED_ACTIVITY = 'update application';
const FEDERATED_ACTIVITY_WORDS = 'federated identity credential';
const FEDERATED_PROPERTY = 'federatedidentitycredential';

/** Who to name as the actor: UPN, else display name (user, then app), else app id, else object id. */
function actorName(actor: AuditActor): string | null {
  return actor.userPrincipalName ?? actor.displayName ?? actor.appId ?? actor.servicePrincipalId ?? actor.id;
}

/** Which inventory object a target is, or null for targets that hold no credentials (users, policies). */
function ownerTypeOf(target: AuditTarget): CredentialChange['ownerType'] | null {
  const type = target.type?.toLowerCase();
  if (type === 'serviceprincipal') return 'servicePrincipal';
  if (type === 'application') return 'application';
  return null;
}

/** Key type → credential family: `Password` is a client secret; every key type is certificate-like. */
function credentialTypeOf(keyType: string | null): CredentialType {
  return keyType !== null && keyType.toLowerCase() === 'password' ? 'password' : 'certificate';
}

/** Reads federated credentials from a property value: JSON text of an array of objects (or one object), by id or name. */
function parseFederatedEntries(text: string | null): KeyDescription[] {
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch {
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const entries: KeyDescription[] = [];
  for (let item of items) {
    if (typeof item === 'string') {
      try {
        item = JSON.parse(item);
      } catch {
        continue;
      }
    }
    if (!isJsonObject(item)) continue;
    const displayName = optionalString(item.Name ?? item.name);
    const keyId = normaliseIdentifier(item.Id ?? item.id) ?? displayName;
    if (keyId !== null) entries.push({ keyId, keyType: null, usage: null, displayName });
  }
  return entries;
}

/** Where the changes of one target go, and what they share. */
interface ChangeContext {
  audit: DirectoryAudit;
  target: AuditTarget;
  ownerId: string;
  ownerType: CredentialChange['ownerType'];
  by: string | null;
  out: CredentialChange[];
}

/** Appends one change unless the same change of the same key is already listed (a key named by two properties). */
function append(
  c: ChangeContext,
  key: KeyDescription,
  change: CredentialChange['change'],
  federated: boolean,
): void {
  for (const existing of c.out) {
    if (existing.keyId === key.keyId && existing.change === change && existing.ownerId === c.ownerId) return;
  }
  c.out.push({
    tenantId: c.audit.tenantId,
    ownerId: c.ownerId,
    ownerType: c.ownerType,
    ownerDisplayName: c.target.displayName,
    change,
    keyId: key.keyId,
    type: federated ? 'federated' : credentialTypeOf(key.keyType),
    keyType: key.keyType,
    usage: key.usage,
    displayName: key.displayName,
    at: c.audit.activityDateTime,
    by: c.by,
    auditId: c.audit.id,
  });
}

/** One change per key present on one side only: `added` for keys only in `after`, `removed` for keys only in `before`. */
function appendDiff(
  c: ChangeContext,
  before: KeyDescription[],
  after: KeyDescription[],
  federated: boolean,
): void {
  for (const key of after) if (!listsKey(before, key.keyId)) append(c, key, 'added', federated);
  for (const key of before) if (!listsKey(after, key.keyId)) append(c, key, 'removed', federated);
}

/**
 * The credential additions and removals a successful audit event records: `KeyDescription` diffs on
 * the service principal and application credential activities, and (best effort) federated identity
 * credential diffs. Failed events change nothing and yield none. Managed identity certificate
 * rotation (initiated by `Managed Service Identity`) is reported like any other change; deciding
 * that it is routine is the detections' job.
 */
export function credentialChangesFromAudit(audit: DirectoryAudit): CredentialChange[] {
  if (audit.result === null || audit.result.toLowerCase() !== 'success') return [];
  const activity = audit.activity.toLowerCase();
  const keyActivity = KEY_ACTIVITIES.has(activity);
  const federatedActivity =
    keyActivity || activity === FEDERATED_ACTIVITY || activity.includes(FEDERATED_ACTIVITY_WORDS);
  if (!federatedActivity) return [];

  const out: CredentialChange[] = [];
  const by = actorName(audit.initiatedBy);
  for (const target of audit.targets) {
    const ownerType = ownerTypeOf(target);
    if (ownerType === null || target.id === null) continue;
    const c: ChangeContext = { audit, target, ownerId: target.id, ownerType, by, out };
    for (const property of target.modifiedProperties) {
      const name = property.displayName.toLowerCase();
      if (keyActivity && name === 'keydescription') {
        appendDiff(
          c,
          parseKeyDescriptions(property.oldValue),
          parseKeyDescriptions(property.newValue),
          false,
        );
      } else if (name.startsWith(FEDERATED_PROPERTY)) {
        appendDiff(
          c,
          parseFederatedEntries(property.oldValue),
          parseFederatedEntries(property.newValue),
          true,
        );
      }
    }
  }
  return out;
}
