import type { DetectionCandidate } from '../detections/detection.ts';
import {
  PERMISSION_ACTIVITIES,
  permissionChangesFromAudit,
} from '../detections/privilege/permission-changes-from-audit.ts';
import { privilegeAt } from '../detections/privilege/privilege-at.ts';
import {
  CREATION_ACTIVITIES,
  CREDENTIAL_ACTIVITIES,
  FEDERATED_CREDENTIAL_UPDATE,
} from '../detections/unusual-credential-addition/credential-activities.ts';
import {
  assessAddition,
  type CredentialAdditionInput,
  type ObjectCreation,
  type UnusualCredentialAdditionParameters,
  unusualCredentialAdditionDetection,
} from '../detections/unusual-credential-addition/index.ts';
import type {
  AssessedAddition,
  CredentialAddition,
  CredentialChange,
  DirectoryAudit,
  PermissionChange,
  PrincipalKind,
  Privilege,
} from '../domain/index.ts';
import { credentialChangesFromAudit } from '../ingest/normalise/credential-changes-from-audit.ts';
import { parseKeyDescriptions } from '../ingest/normalise/parse-key-description.ts';
import type { Store } from '../store/open-store.ts';
import {
  type ActorEvent,
  type AuditActivitySelection,
  type CredentialLifecycle,
  createCredentialHistoryQueries,
  type InventoryObject,
} from '../store/queries/credential-history-queries.ts';

const HOUR_MS = 3_600_000;
/** How long an addition waits for its service principal to become known before it is given up. */
const UNPLACED_DAYS = 90;
const DAY_MS = 24 * HOUR_MS;
/** Before any event time: reads "from the beginning". */
const BEGINNING = '0000-01-01T00:00:00.000Z';
/** Past this many objects, reading a tenant's events once beats one LIKE term per object. */
const MENTION_LIMIT = 50;

const CREDENTIAL_SELECTION: AuditActivitySelection = {
  activities: CREDENTIAL_ACTIVITIES,
  whenTargetsMention: FEDERATED_CREDENTIAL_UPDATE,
};
const CREATION_SELECTION: AuditActivitySelection = { activities: CREATION_ACTIVITIES };
const PERMISSION_SELECTION: AuditActivitySelection = { activities: PERMISSION_ACTIVITIES };

/** Appends to the list under `key`. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** An audit event with a credential addition whose service principal is not known yet. */
export interface UnplacedAudit {
  tenantId: string;
  auditId: string;
  at: string;
}

/** What a credential addition pass found. Maps are keyed `tenant|principal`. */
export interface CredentialAdditionRun {
  /** Detection candidates per principal, to record. */
  byPrincipal: Map<string, DetectionCandidate[]>;
  /** Every addition of the range with its verdict, for change awareness. */
  additions: Map<string, AssessedAddition[]>;
  /** Additions whose service principal is not known (an app registration without one seen yet). */
  skipped: number;
  /**
   * Audit events to try again next run (their principal is still unknown) and those placed now that
   * were waiting: the caller records both with the run's results (see updateUnplaced).
   */
  unplaced: { add: UnplacedAudit[]; remove: UnplacedAudit[] };
}

type Queries = ReturnType<typeof createCredentialHistoryQueries>;

/** An added credential read from an audit event, before it is placed on a principal. */
interface RawAddition {
  audit: DirectoryAudit;
  change: CredentialChange;
  /** Keys the event lists on the object before the change (null when it lists none). */
  listedBefore: number | null;
  /** App id the event itself names, when the inventory cannot tell. */
  appIdHint: string | null;
}

/** An addition placed on its principal, with the inventory facts around it. */
interface PlacedAddition {
  raw: RawAddition;
  addition: CredentialAddition;
  pairId: string | null;
  principalKind: PrincipalKind | null;
  createdAt: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function guidOrNull(text: string | null | undefined): string | null {
  const v = text?.trim().toLowerCase();
  return v !== undefined && GUID.test(v) ? v : null;
}

/** The app id an event names: `TargetId.ServicePrincipalNames` (`<appId>;…`) of the target, else the `AppId` detail. */
function appIdHint(audit: DirectoryAudit, objectId: string): string | null {
  const target = audit.targets.find((t) => t.id === objectId);
  for (const p of target?.modifiedProperties ?? []) {
    if (p.displayName.toLowerCase() !== 'targetid.serviceprincipalnames' || p.newValue === null) continue;
    let text: unknown = p.newValue;
    try {
      text = JSON.parse(p.newValue);
    } catch {
      // Plain text.
    }
    if (typeof text === 'string') {
      const hint = guidOrNull(text.split(';')[0]);
      if (hint !== null) return hint;
    }
  }
  const detail = audit.additionalDetails.find((d) => d.key.toLowerCase() === 'appid');
  return guidOrNull(detail?.value);
}

/** How many keys the event's `KeyDescription` lists on the object before the change. */
function keysListedBefore(audit: DirectoryAudit, objectId: string): number | null {
  const target = audit.targets.find((t) => t.id === objectId);
  const property = target?.modifiedProperties.find((p) => p.displayName.toLowerCase() === 'keydescription');
  return property === undefined ? null : parseKeyDescriptions(property.oldValue).length;
}

/** The credential additions of audit events, one per added key and object. */
function readAdditions(audits: readonly DirectoryAudit[]): RawAddition[] {
  const out: RawAddition[] = [];
  for (const audit of audits) {
    for (const change of credentialChangesFromAudit(audit)) {
      if (change.change !== 'added') continue;
      out.push({
        audit,
        change,
        listedBefore: keysListedBefore(audit, change.ownerId),
        appIdHint: appIdHint(audit, change.ownerId),
      });
    }
  }
  return out;
}

function earliest(...times: (string | null | undefined)[]): string | null {
  let out: string | null = null;
  for (const t of times) if (t != null && (out === null || t < out)) out = t;
  return out;
}

/** The actor's key in the audit table: its object id (user, or acting service principal), else its name. */
function actorKey(a: CredentialAddition): { id: string | null; name: string | null } {
  const id = a.actor.id ?? a.actor.servicePrincipalId;
  return { id, name: id === null ? a.actorName : null };
}

/**
 * Places additions on service principals. A credential on a service principal is its own; one on an
 * app registration belongs to the service principal with the same app id in the tenant. The app id
 * comes from the inventory, else from the event itself.
 */
async function placeAdditions(
  q: Queries,
  tenantId: string,
  raws: readonly RawAddition[],
): Promise<{ placed: PlacedAddition[]; skipped: number; unplacedAudits: Set<string> }> {
  const spTargets = raws
    .filter((r) => r.change.ownerType === 'servicePrincipal')
    .map((r) => r.change.ownerId);
  const appTargets = raws.filter((r) => r.change.ownerType === 'application').map((r) => r.change.ownerId);
  const sps = new Map(
    (await q.servicePrincipals(tenantId, { ids: spTargets, appIds: [] })).map((o) => [o.id, o]),
  );
  const apps = new Map(
    (await q.applications(tenantId, { ids: appTargets, appIds: [] })).map((o) => [o.id, o]),
  );
  const appIdOf = (r: RawAddition): string | null => {
    const known =
      r.change.ownerType === 'servicePrincipal'
        ? sps.get(r.change.ownerId)?.appId
        : apps.get(r.change.ownerId)?.appId;
    return known ?? r.appIdHint;
  };
  const appIds = raws.map(appIdOf).filter((a): a is string => a !== null);
  const spByApp = new Map<string, InventoryObject>();
  for (const o of await q.servicePrincipals(tenantId, { ids: [], appIds })) {
    if (o.appId !== null) spByApp.set(o.appId, o);
    sps.set(o.id, o);
  }
  const appByApp = new Map<string, InventoryObject>();
  for (const o of await q.applications(tenantId, { ids: [], appIds }))
    if (o.appId !== null) appByApp.set(o.appId, o);

  const placed: PlacedAddition[] = [];
  let skipped = 0;
  const unplacedAudits = new Set<string>();
  for (const raw of raws) {
    const { change, audit } = raw;
    const appId = appIdOf(raw);
    const principal =
      change.ownerType === 'servicePrincipal'
        ? (sps.get(change.ownerId) ?? null)
        : appId === null
          ? null
          : (spByApp.get(appId) ?? null);
    if (principal === null) {
      skipped++;
      unplacedAudits.add(audit.id);
      continue;
    }
    const pair =
      change.ownerType === 'servicePrincipal'
        ? appId === null
          ? null
          : (appByApp.get(appId) ?? null)
        : principal;
    const object = change.ownerType === 'servicePrincipal' ? principal : (apps.get(change.ownerId) ?? null);
    placed.push({
      raw,
      pairId: pair?.id ?? null,
      principalKind: (principal.kind as PrincipalKind | null) ?? null,
      createdAt: earliest(object?.createdAt, pair?.createdAt),
      addition: {
        tenantId,
        objectId: change.ownerId,
        objectType: change.ownerType,
        objectDisplayName: change.ownerDisplayName,
        principalId: principal.id,
        appId: appId ?? principal.appId,
        keyId: change.keyId,
        credentialType: change.type,
        keyType: change.keyType,
        keyDisplayName: change.displayName,
        at: change.at,
        actor: audit.initiatedBy,
        actorName: change.by,
        auditId: audit.id,
        activity: audit.activityDisplayName,
      },
    });
  }
  return { placed, skipped, unplacedAudits };
}

/** Credentials the owner held at `at`, the given key aside: added before it (or when unknown) and not yet removed. */
function heldAt(rows: readonly CredentialLifecycle[] | undefined, at: string, exceptKeyId: string): number {
  let n = 0;
  for (const r of rows ?? []) {
    if (r.keyId === exceptKeyId) continue;
    const since = r.addedAt ?? r.startDateTime;
    if ((since === null || since < at) && (r.removedAt === null || r.removedAt > at)) n++;
  }
  return n;
}

/** A point in event order: time, then audit id. */
interface EventPoint {
  at: string;
  id: string;
}

function comparePoints(a: EventPoint, b: EventPoint): number {
  return a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** How many points of a sorted list come strictly before `p`. */
function countBefore(sorted: readonly EventPoint[], p: EventPoint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePoints(sorted[mid]!, p) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Each actor's credential events in event order, by object id and by name, for counting by binary search. */
function indexActorEvents(events: readonly ActorEvent[]): Map<string, EventPoint[]> {
  const index = new Map<string, EventPoint[]>();
  for (const e of events) {
    if (e.actorId !== null) push(index, `id:${e.actorId}`, { at: e.at, id: e.id });
    if (e.actorName !== null) push(index, `name:${e.actorName}`, { at: e.at, id: e.id });
  }
  for (const list of index.values()) list.sort(comparePoints);
  return index;
}

/** Whether event `e` comes strictly before the addition: earlier, or at the same instant with a lower id. */
function before(e: { at: string; auditId: string }, a: CredentialAddition): boolean {
  return e.at < a.at || (e.at === a.at && e.auditId < a.auditId);
}

/** Events of a selection naming the objects: by LIKE for a few objects, else the tenant's events read once. */
async function eventsAbout(
  q: Queries,
  tenantId: string,
  objectIds: readonly string[],
  to: string,
  selection: AuditActivitySelection,
): Promise<DirectoryAudit[]> {
  if (objectIds.length === 0) return [];
  if (objectIds.length <= MENTION_LIMIT) return q.auditsMentioning(tenantId, objectIds, to, selection);
  return q.auditsBetween(tenantId, BEGINNING, to, selection);
}

/**
 * Reads what the store knows around each addition of one tenant, every fact by event time and
 * strictly before the addition (ties broken by audit id), so the outcome does not depend on how
 * the log was split into import batches.
 */
async function contextsFor(
  q: Queries,
  tenantId: string,
  placed: readonly PlacedAddition[],
  p: UnusualCredentialAdditionParameters,
): Promise<CredentialAdditionInput[]> {
  if (placed.length === 0) return [];
  const times = placed.map((x) => x.addition.at).sort();
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const shift = (at: string, ms: number) => new Date(Date.parse(at) - ms).toISOString();

  const since = await q.historySince(tenantId);

  const actorIds = new Set<string>();
  const actorNames = new Set<string>();
  for (const { addition } of placed) {
    const k = actorKey(addition);
    if (k.id !== null) actorIds.add(k.id);
    else if (k.name !== null) actorNames.add(k.name);
  }
  const actorEvents = await q.actorEvents(
    tenantId,
    { ids: [...actorIds], names: [...actorNames] },
    shift(first, p.actorLookbackDays * DAY_MS),
    // Inclusive of the last addition's instant, for the tie rule when no recent hours are left out.
    shift(last, -1),
    CREDENTIAL_ACTIVITIES,
  );

  const objectIds = new Set<string>();
  const principalIds = new Set<string>();
  for (const x of placed) {
    objectIds.add(x.addition.objectId);
    if (x.pairId !== null) objectIds.add(x.pairId);
    principalIds.add(x.addition.principalId);
  }
  const credentials = await q.credentialsOf(tenantId, [...objectIds]);

  const creations = new Map<string, ObjectCreation[]>();
  for (const audit of await eventsAbout(q, tenantId, [...objectIds], last, CREATION_SELECTION)) {
    for (const t of audit.targets) {
      if (t.id === null || !objectIds.has(t.id)) continue;
      push(creations, t.id, {
        objectId: t.id,
        at: audit.activityDateTime,
        actor: audit.initiatedBy,
        auditId: audit.id,
      });
    }
  }

  const permissions = new Map<string, PermissionChange[]>();
  for (const audit of await eventsAbout(q, tenantId, [...principalIds], last, PERMISSION_SELECTION)) {
    for (const c of permissionChangesFromAudit(audit)) {
      if (principalIds.has(c.principalId)) push(permissions, c.principalId, c);
    }
  }

  const signIns = await q.signInFacts(
    tenantId,
    placed.map((x) => ({
      principalId: x.addition.principalId,
      before: x.addition.at,
      since: shift(x.addition.at, p.dormantDays * DAY_MS),
    })),
  );

  const actorIndex = indexActorEvents(actorEvents);
  const credentialsByOwner = new Map<string, CredentialLifecycle[]>();
  for (const c of credentials) push(credentialsByOwner, c.ownerId, c);

  return placed.map((x, i) => {
    const a = x.addition;
    const key = actorKey(a);
    const history = actorIndex.get(key.id !== null ? `id:${key.id}` : `name:${key.name}`) ?? [];
    // From the lookback's start up to the recent hours left out; with none left out, up to the
    // addition itself in event order (same instant, lower audit id).
    const end: EventPoint =
      p.actorRecentHours > 0
        ? { at: shift(a.at, p.actorRecentHours * HOUR_MS), id: '' }
        : { at: a.at, id: a.auditId };
    const actorCredentialChanges = Math.max(
      0,
      countBefore(history, end) -
        countBefore(history, { at: shift(a.at, p.actorLookbackDays * DAY_MS), id: '' }),
    );
    const objectCreations = [
      ...(creations.get(a.objectId) ?? []),
      ...(x.pairId ? (creations.get(x.pairId) ?? []) : []),
    ]
      .filter((c) => before(c, a))
      .sort((m, n) => (m.at < n.at ? -1 : m.at > n.at ? 1 : 0));
    const changes = (permissions.get(a.principalId) ?? []).filter((c) => before(c, a));
    const privilege: Privilege = privilegeAt(changes, a.at);
    const facts = signIns[i]!;
    return {
      addition: a,
      context: {
        principalKind: x.principalKind,
        actorCredentialChanges,
        auditHistorySince: since.audits,
        objectCredentialsBefore: Math.max(
          x.raw.listedBefore ?? 0,
          heldAt(credentialsByOwner.get(a.objectId), a.at, a.keyId),
        ),
        pairCredentialsBefore:
          x.pairId === null ? 0 : heldAt(credentialsByOwner.get(x.pairId), a.at, a.keyId),
        lastCredentialSignInAt: facts.lastCredentialSignInAt,
        creations: objectCreations,
        createdAt: earliest(x.createdAt, objectCreations[0]?.at),
        grants: changes,
        lastSignInAt: facts.lastSignInAt,
        signInHistorySince: since.signIns,
        privilege,
        addedThroughVigil:
          credentialsByOwner.get(a.objectId)?.some((c) => c.keyId === a.keyId && c.addedThroughVigil) ??
          false,
      },
    };
  });
}

/** Reads, places and gives context to the credential additions of some audit events, tenant by tenant. */
async function inputsOf(
  q: Queries,
  audits: readonly DirectoryAudit[],
  p: UnusualCredentialAdditionParameters,
): Promise<{ inputs: CredentialAdditionInput[]; skipped: number; unplaced: UnplacedAudit[] }> {
  const byTenant = new Map<string, DirectoryAudit[]>();
  for (const a of audits) push(byTenant, a.tenantId, a);
  const inputs: CredentialAdditionInput[] = [];
  const unplaced: UnplacedAudit[] = [];
  let skipped = 0;
  for (const [tenantId, events] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const placement = await placeAdditions(q, tenantId, readAdditions(events));
    skipped += placement.skipped;
    for (const e of events) {
      if (placement.unplacedAudits.has(e.id))
        unplaced.push({ tenantId, auditId: e.id, at: e.activityDateTime });
    }
    inputs.push(...(await contextsFor(q, tenantId, placement.placed, p)));
  }
  return { inputs, skipped, unplaced };
}

/**
 * Detection A3 over the audit events ingested in batches after `fromBatch` up to `toBatch`: every
 * credential addition among them is placed on its service principal, given its context from the
 * store (by event time, so importing the log at once or day by day gives the same result) and
 * assessed. Returns the candidates to record, every addition with its verdict (for change
 * awareness), and how many additions had no known principal. Events whose principal is not known yet
 * are tried again by later runs, for up to UNPLACED_DAYS by the run's clock `now`; verdicts depend on
 * event time only.
 */
export async function detectCredentialAdditions(
  store: Store,
  range: { fromBatch: number; toBatch: number },
  now: string,
  parameters: UnusualCredentialAdditionParameters = unusualCredentialAdditionDetection.defaultParameters,
): Promise<CredentialAdditionRun> {
  const q = createCredentialHistoryQueries(store);
  const run: CredentialAdditionRun = {
    byPrincipal: new Map(),
    additions: new Map(),
    skipped: 0,
    unplaced: { add: [], remove: [] },
  };
  if (range.toBatch <= range.fromBatch) return run;
  // The new events, and those whose principal was unknown when they arrived: it may be known now.
  const audits = await q.auditsInBatches(range.fromBatch, range.toBatch, CREDENTIAL_SELECTION);
  const waiting = await q.unplaced();
  const seen = new Set(audits.map((a) => `${a.tenantId}|${a.id}`));
  const retried = (await q.auditsByIds(waiting)).filter((a) => !seen.has(`${a.tenantId}|${a.id}`));
  const { inputs, skipped, unplaced } = await inputsOf(q, [...audits, ...retried], parameters);
  run.skipped = skipped;
  const still = new Set(unplaced.map((u) => `${u.tenantId}|${u.auditId}`));
  // An event waits at most UNPLACED_DAYS (by the run's clock) for its principal to show up.
  const cutoff = new Date(Date.parse(now) - UNPLACED_DAYS * DAY_MS).toISOString();
  run.unplaced.add = unplaced.filter((u) => u.at >= cutoff);
  run.unplaced.remove = waiting.filter((w) => !still.has(`${w.tenantId}|${w.auditId}`) || w.at < cutoff);
  const byPrincipal = new Map<string, CredentialAdditionInput[]>();
  for (const input of inputs) {
    const key = `${input.addition.tenantId}|${input.addition.principalId}`;
    push(byPrincipal, key, input);
    push(run.additions, key, assessAddition(input.addition, input.context, parameters));
  }
  for (const [key, list] of byPrincipal) {
    const found = unusualCredentialAdditionDetection.evaluate(list, parameters);
    if (found.length > 0) run.byPrincipal.set(key, found);
  }
  return run;
}

/** What a principal held at `at`, from the permission changes the audit log recorded up to then. */
export async function privilegeOf(
  store: Store,
  tenantId: string,
  principalId: string,
  at: string,
): Promise<Privilege> {
  const q = createCredentialHistoryQueries(store);
  const audits = await q.auditsMentioning(tenantId, [principalId], at, PERMISSION_SELECTION);
  const changes = audits.flatMap(permissionChangesFromAudit).filter((c) => c.principalId === principalId);
  return privilegeAt(changes, at);
}
