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
import { type KeyDescription, parseKeyDescriptions } from './parse-key-description.ts';

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

/** A federated identity credential as listed in an audit property (shape undocumented: objects by id or name). */
interface FederatedEntry {
  keyId: string;
  displayName: string | null;
}

/** Reads federated credentials from a property value: JSON text of an array of objects (or one object). */
function parseFederatedEntries(text: string | null): FederatedEntry[] {
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch {
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const entries: FederatedEntry[] = [];
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
    if (keyId !== null) entries.push({ keyId, displayName });
  }
  return entries;
}

/** Appends one change per key present on one side only: `added` for new-only keys, `removed` for old-only. */
function diff<T extends { keyId: string }>(
  before: T[],
  after: T[],
  emit: (entry: T, change: CredentialChange['change']) => void,
): void {
  const old = new Set(before.map((k) => k.keyId));
  const now = new Set(after.map((k) => k.keyId));
  for (const key of after) if (!old.has(key.keyId)) emit(key, 'added');
  for (const key of before) if (!now.has(key.keyId)) emit(key, 'removed');
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

  const changes: CredentialChange[] = [];
  const seen = new Set<string>();
  const by = actorName(audit.initiatedBy);
  for (const target of audit.targets) {
    const ownerType = ownerTypeOf(target);
    if (ownerType === null || target.id === null) continue;
    const ownerId = target.id;
    const base = {
      tenantId: audit.tenantId,
      ownerId,
      ownerType,
      ownerDisplayName: target.displayName,
      at: audit.activityDateTime,
      by,
      auditId: audit.id,
    };
    const push = (change: CredentialChange): void => {
      const key = `${change.change}|${ownerId}|${change.keyId}`;
      if (seen.has(key)) return;
      seen.add(key);
      changes.push(change);
    };
    for (const property of target.modifiedProperties) {
      const name = property.displayName.toLowerCase();
      if (keyActivity && name === 'keydescription') {
        diff<KeyDescription>(
          parseKeyDescriptions(property.oldValue),
          parseKeyDescriptions(property.newValue),
          (key, change) =>
            push({
              ...base,
              change,
              keyId: key.keyId,
              type: credentialTypeOf(key.keyType),
              keyType: key.keyType,
              usage: key.usage,
              displayName: key.displayName,
            }),
        );
      } else if (name.startsWith(FEDERATED_PROPERTY)) {
        diff<FederatedEntry>(
          parseFederatedEntries(property.oldValue),
          parseFederatedEntries(property.newValue),
          (entry, change) =>
            push({
              ...base,
              change,
              keyId: entry.keyId,
              type: 'federated',
              keyType: null,
              usage: null,
              displayName: entry.displayName,
            }),
        );
      }
    }
  }
  return changes;
}
