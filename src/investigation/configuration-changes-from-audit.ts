import type { AuditTarget, DirectoryAudit, ModifiedProperty } from '../domain/index.ts';
import { type EvidenceActor, evidenceActorOf } from './investigation.ts';

/** What kind of configuration change an audit event records on an application or service principal. */
export type ConfigurationChangeKind =
  | 'ownerAdded'
  | 'ownerRemoved'
  | 'redirectUrisChanged'
  | 'identifierUrisChanged'
  | 'federatedCredentialAdded'
  | 'federatedCredentialRemoved';

/** One configuration change of one object, read from one audit event. */
export interface ConfigurationChange {
  kind: ConfigurationChangeKind;
  auditId: string;
  at: string;
  /** The activity name as the source wrote it. */
  activity: string;
  actor: EvidenceActor;
  objectType: 'application' | 'servicePrincipal';
  objectId: string;
  objectDisplayName: string | null;
  /** The modified property the change was read from (`AppAddress`, `IdentifierUris`, …). */
  property: string | null;
  added: string[];
  removed: string[];
  /** Owners: whether the owner added or removed is a service principal rather than a person. */
  ownerIsServicePrincipal: boolean;
  /** Federated credentials: their ids (or names, when the event gives no id), matching sign-ins' `federatedCredentialId`. */
  credentialIds: string[];
}

/** Owner activities (normalised, lower-case) → whether they add. */
const OWNER_ACTIVITIES: Readonly<Record<string, boolean>> = {
  'add owner to application': true,
  'remove owner from application': false,
  'add owner to service principal': true,
  'remove owner from service principal': false,
};

/** Properties listing redirect (reply) URIs: `AppAddress` is what Entra writes for both object types. */
const REDIRECT_PROPERTIES = new Set(['appaddress', 'replyurls', 'replyaddresses', 'redirecturis']);
const IDENTIFIER_PROPERTIES = new Set(['identifieruris']);
const FEDERATED_PREFIX = 'federatedidentitycredential';

/** Activities whose properties are read for URI and federated credential changes. */
const UPDATE_ACTIVITIES = new Set([
  'update application',
  'update service principal',
  'add application',
  'add service principal',
]);

function objectTypeOf(t: AuditTarget): 'application' | 'servicePrincipal' | null {
  const type = t.type?.toLowerCase();
  return type === 'application' ? 'application' : type === 'serviceprincipal' ? 'servicePrincipal' : null;
}

/** Parses JSON text, and JSON text inside a JSON string, as Entra nests them; null when it is not JSON. */
function parseNested(text: string | null): unknown {
  if (text === null) return null;
  try {
    let parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        // A plain string value.
      }
    }
    return parsed;
  } catch {
    return text;
  }
}

function asList(value: unknown): unknown[] {
  if (value === null || value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** URIs in a property value: strings, or objects naming them in `Address` (Entra's AppAddress entries). */
function urisOf(text: string | null): string[] {
  const out: string[] = [];
  for (const item of asList(parseNested(text))) {
    if (typeof item === 'string') {
      if (item.trim() !== '') out.push(item.trim());
    } else if (item !== null && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      const address = o.Address ?? o.address ?? o.Url ?? o.url;
      if (typeof address === 'string' && address.trim() !== '') out.push(address.trim());
    }
  }
  return [...new Set(out)];
}

/** A federated credential entry: its id (or name) and how a person reads it. */
interface FederatedEntry {
  id: string;
  label: string;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function federatedOf(value: string | null): FederatedEntry[] {
  const out: FederatedEntry[] = [];
  for (let item of asList(parseNested(value))) {
    if (typeof item === 'string') item = parseNested(item);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const o = item as Record<string, unknown>;
    const name = text(o.Name ?? o.name);
    const id = text(o.Id ?? o.id)?.toLowerCase() ?? name;
    if (id === null) continue;
    const issuer = text(o.Issuer ?? o.issuer);
    const subject = text(o.Subject ?? o.subject);
    const detail = [issuer && `issuer ${issuer}`, subject && `subject ${subject}`].filter(Boolean).join(', ');
    out.push({ id, label: `${name ?? id}${detail ? ` (${detail})` : ''}` });
  }
  return out;
}

function diff<T>(before: T[], after: T[], key: (t: T) => string): { added: T[]; removed: T[] } {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { added: after.filter((x) => !b.has(key(x))), removed: before.filter((x) => !a.has(key(x))) };
}

/** The value of a named modified property on any target (JSON string values unwrapped). */
function namedValue(audit: DirectoryAudit, names: readonly string[]): string | null {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  for (const t of audit.targets) {
    for (const p of t.modifiedProperties) {
      if (!wanted.has(p.displayName.toLowerCase())) continue;
      const v = parseNested(p.newValue) ?? parseNested(p.oldValue);
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return null;
}

function ownerChange(audit: DirectoryAudit, adds: boolean, actor: EvidenceActor): ConfigurationChange[] {
  // The owned object is named by `Application.ObjectID` or `ServicePrincipal.ObjectID` on the owner's
  // target, and is the object target that is not the owner; the owner (a user or a service
  // principal) is the other target.
  const named =
    namedValue(audit, ['Application.ObjectID', 'ServicePrincipal.ObjectID'])?.toLowerCase() ?? null;
  const objects = audit.targets.filter((t) => t.id !== null && objectTypeOf(t) !== null);
  const owned =
    (named !== null ? audit.targets.find((t) => t.id?.toLowerCase() === named) : undefined) ??
    objects[objects.length - 1];
  if (owned === undefined || owned.id === null) return [];
  const ownedType =
    objectTypeOf(owned) ??
    (audit.activity.toLowerCase().endsWith('application') ? 'application' : 'servicePrincipal');
  const owner = audit.targets.find((t) => t !== owned && t.id !== null);
  const ownerName = owner ? (owner.displayName ?? owner.id ?? 'unknown') : 'unknown';
  return [
    {
      kind: adds ? 'ownerAdded' : 'ownerRemoved',
      auditId: audit.id,
      at: audit.activityDateTime,
      activity: audit.activityDisplayName,
      actor,
      objectType: ownedType,
      objectId: owned.id.toLowerCase(),
      objectDisplayName: owned.displayName,
      property: null,
      added: adds ? [ownerName] : [],
      removed: adds ? [] : [ownerName],
      ownerIsServicePrincipal: owner !== undefined && objectTypeOf(owner) === 'servicePrincipal',
      credentialIds: [],
    },
  ];
}

function propertyChange(
  audit: DirectoryAudit,
  target: AuditTarget,
  type: 'application' | 'servicePrincipal',
  p: ModifiedProperty,
  actor: EvidenceActor,
): ConfigurationChange[] {
  const name = p.displayName.toLowerCase();
  const base = {
    auditId: audit.id,
    at: audit.activityDateTime,
    activity: audit.activityDisplayName,
    actor,
    objectType: type,
    objectId: (target.id ?? '').toLowerCase(),
    objectDisplayName: target.displayName,
    property: p.displayName,
    ownerIsServicePrincipal: false,
    credentialIds: [],
  };
  if (REDIRECT_PROPERTIES.has(name) || IDENTIFIER_PROPERTIES.has(name)) {
    const { added, removed } = diff(urisOf(p.oldValue), urisOf(p.newValue), (u) => u);
    if (added.length === 0 && removed.length === 0) return [];
    const kind = REDIRECT_PROPERTIES.has(name) ? 'redirectUrisChanged' : 'identifierUrisChanged';
    return [{ ...base, kind, added, removed }];
  }
  if (name.startsWith(FEDERATED_PREFIX)) {
    const { added, removed } = diff(federatedOf(p.oldValue), federatedOf(p.newValue), (e) => e.id);
    const out: ConfigurationChange[] = [];
    if (added.length > 0) {
      out.push({
        ...base,
        kind: 'federatedCredentialAdded',
        added: added.map((e) => e.label),
        removed: [],
        credentialIds: added.map((e) => e.id),
      });
    }
    if (removed.length > 0) {
      out.push({
        ...base,
        kind: 'federatedCredentialRemoved',
        added: [],
        removed: removed.map((e) => e.label),
        credentialIds: removed.map((e) => e.id),
      });
    }
    return out;
  }
  return [];
}

/**
 * The configuration changes a successful audit event records on applications and service
 * principals: owners added or removed, redirect URIs (`AppAddress`) and identifier URIs (the app id
 * URI) changed, federated identity credentials added or removed. Credential secrets and
 * certificates, and permissions, are other questions' and yield none here.
 */
export function configurationChangesFromAudit(audit: DirectoryAudit): ConfigurationChange[] {
  if (audit.result === null || audit.result.toLowerCase() !== 'success') return [];
  const activity = audit.activity.toLowerCase();
  const actor = evidenceActorOf(audit.initiatedBy);
  const adds = OWNER_ACTIVITIES[activity];
  if (adds !== undefined) return ownerChange(audit, adds, actor);
  if (!UPDATE_ACTIVITIES.has(activity) && !activity.includes('federated identity credential')) return [];
  const out: ConfigurationChange[] = [];
  for (const target of audit.targets) {
    const type = objectTypeOf(target);
    if (type === null || target.id === null) continue;
    for (const p of target.modifiedProperties) out.push(...propertyChange(audit, target, type, p, actor));
  }
  return out;
}
