import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type { DirectoryAudit } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { rowToAudit } from '../rows/audit-row.ts';
import type { Database } from '../schema.ts';

// What the credential addition detection needs to know around each addition: the audit events
// themselves, the actors' credential history, creations, permission changes, inventory and
// credentials of the objects, and the principals' sign-ins, all by event time. Reads are batched
// (IN lists, one UNION query for many sign-in look-ups) so a run costs a handful of queries however
// many additions it has; lists are cut into chunks to stay below the dialects' bound-value limits.

/** Values per IN list, well under SQLite's and PostgreSQL's bound parameter limits. */
const CHUNK = 500;
/** Sign-in look-ups per UNION query (SQLite allows 500 compound terms). */
const SIGN_IN_CHUNK = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Which audit events to read, by activity name (normalised, lower-case). */
export interface AuditActivitySelection {
  activities: readonly string[];
  /** An activity read only when its targets mention a text (lower-case): `Update application` with federated credentials. */
  whenTargetsMention?: { activity: string; text: string };
}

/** An inventory object as far as placing an addition needs: app id, kind and creation time. */
export interface InventoryObject {
  id: string;
  appId: string | null;
  /** Service principals only: `application`, `managedIdentity`, `other`. */
  kind: string | null;
  createdAt: string | null;
}

/** One credential row's lifecycle. */
export interface CredentialLifecycle {
  ownerId: string;
  keyId: string;
  addedAt: string | null;
  startDateTime: string | null;
  removedAt: string | null;
  /** Added through Vigil's own credential actions: a change an administrator made on purpose. */
  addedThroughVigil: boolean;
}

/** One audit event by an actor, as the history count needs it. */
export interface ActorEvent {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
}

/** A sign-in question: the principal's last successful sign-ins before `before` (credential ones since `since`). */
export interface SignInLookup {
  principalId: string;
  before: string;
  since: string;
}

/** Its answer. */
export interface SignInFacts {
  lastSignInAt: string | null;
  /** The last successful sign-in naming a key or federated credential, in [since, before). */
  lastCredentialSignInAt: string | null;
}

type AuditQuery = SelectQueryBuilder<Database, 'directory_audits', object>;

function selectActivities(eb: ExpressionBuilder<Database, 'directory_audits'>, s: AuditActivitySelection) {
  const activity = eb.fn<string>('lower', ['activity']);
  const terms = [];
  if (s.activities.length > 0) terms.push(eb(activity, 'in', [...s.activities]));
  if (s.whenTargetsMention) {
    terms.push(
      eb.and([
        eb(activity, '=', s.whenTargetsMention.activity),
        eb(eb.fn<string>('lower', ['targets']), 'like', `%${s.whenTargetsMention.text}%`),
      ]),
    );
  }
  return eb.or(terms);
}

function successful(q: AuditQuery): AuditQuery {
  return q.where((eb) => eb(eb.fn<string>('lower', ['result']), '=', 'success'));
}

/** Inventory objects wanted by object id, by app id, or both. */
type ObjectLookup = { ids: readonly string[]; appIds: readonly string[] };

/** The objects a lookup names, read a chunk of ids at a time, each object once. */
async function byIdOrAppId(
  by: ObjectLookup,
  read: (column: 'id' | 'app_id', part: string[]) => Promise<InventoryObject[]>,
): Promise<InventoryObject[]> {
  const out = new Map<string, InventoryObject>();
  for (const [column, values] of [
    ['id', by.ids],
    ['app_id', by.appIds],
  ] as const) {
    for (const part of chunks([...new Set(values)], CHUNK)) {
      for (const o of await read(column, part)) out.set(o.id, o);
    }
  }
  return [...out.values()];
}

/** Event order: time, then id. */
function inEventOrderOf(a: DirectoryAudit, b: DirectoryAudit): number {
  if (a.activityDateTime !== b.activityDateTime) return a.activityDateTime < b.activityDateTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The successful events of the selection a query narrows to, in event order. */
async function inEventOrder(q: AuditQuery, selection: AuditActivitySelection): Promise<DirectoryAudit[]> {
  const rows = await successful(q.where((eb) => selectActivities(eb, selection)))
    .selectAll()
    .orderBy('activity_date_time')
    .orderBy('id')
    .execute();
  return rows.map(rowToAudit);
}

/** Reads the history around credential additions. */
export function createCredentialHistoryQueries(store: Store) {
  const { db } = store;

  return {
    /** Successful events of the selection ingested in batches after `fromBatch` up to `toBatch`, in event order per tenant. */
    async auditsInBatches(
      fromBatch: number,
      toBatch: number,
      selection: AuditActivitySelection,
    ): Promise<DirectoryAudit[]> {
      return inEventOrder(
        db
          .selectFrom('directory_audits')
          .where('ingest_batch', '>', fromBatch)
          .where('ingest_batch', '<=', toBatch)
          .orderBy('tenant_id'),
        selection,
      );
    },

    /** Events by id, in event order per tenant: audits tried again. */
    async auditsByIds(ids: readonly { tenantId: string; auditId: string }[]): Promise<DirectoryAudit[]> {
      const out: DirectoryAudit[] = [];
      const byTenant = new Map<string, string[]>();
      for (const { tenantId, auditId } of ids) {
        const list = byTenant.get(tenantId);
        if (list) list.push(auditId);
        else byTenant.set(tenantId, [auditId]);
      }
      for (const [tenantId, list] of byTenant) {
        for (const chunk of chunks(list, 500)) {
          const rows = await db
            .selectFrom('directory_audits')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', 'in', chunk)
            .execute();
          out.push(...rows.map(rowToAudit));
        }
      }
      return out.sort((a, b) =>
        a.tenantId !== b.tenantId ? (a.tenantId < b.tenantId ? -1 : 1) : inEventOrderOf(a, b),
      );
    },

    /** Audit events whose credential additions could not be placed yet. */
    async unplaced(): Promise<{ tenantId: string; auditId: string; at: string }[]> {
      const rows = await db.selectFrom('unplaced_credential_audits').selectAll().execute();
      return rows.map((r) => ({ tenantId: r.tenant_id, auditId: r.audit_id, at: r.activity_date_time }));
    },

    /** Records which audit events wait for their principal and which no longer do, in the caller's transaction. */
    async updateUnplaced(
      trx: Kysely<Database>,
      add: readonly { tenantId: string; auditId: string; at: string }[],
      remove: readonly { tenantId: string; auditId: string }[],
    ): Promise<void> {
      for (const r of remove) {
        await trx
          .deleteFrom('unplaced_credential_audits')
          .where('tenant_id', '=', r.tenantId)
          .where('audit_id', '=', r.auditId)
          .execute();
      }
      for (const a of add) {
        await trx
          .insertInto('unplaced_credential_audits')
          .values({ tenant_id: a.tenantId, audit_id: a.auditId, activity_date_time: a.at })
          .onConflict((oc) => oc.columns(['tenant_id', 'audit_id']).doNothing())
          .execute();
      }
    },

    /** Successful events of the selection in a tenant with event time in [from, to], in event order. */
    async auditsBetween(
      tenantId: string,
      from: string,
      to: string,
      selection: AuditActivitySelection,
    ): Promise<DirectoryAudit[]> {
      return inEventOrder(
        db
          .selectFrom('directory_audits')
          .where('tenant_id', '=', tenantId)
          .where('activity_date_time', '>=', from)
          .where('activity_date_time', '<=', to),
        selection,
      );
    },

    /**
     * Successful events of the selection in a tenant whose targets or additional details name one
     * of the ids (object ids, or app ids, which events carry in `AppId` and service principal
     * names), up to `to` (event time; null for all), in event order.
     */
    async auditsMentioning(
      tenantId: string,
      objectIds: readonly string[],
      to: string | null,
      selection: AuditActivitySelection,
    ): Promise<DirectoryAudit[]> {
      const out: DirectoryAudit[] = [];
      // Object ids are GUIDs: no LIKE wildcard can hide in them. Few ids a call, so few LIKE terms.
      for (const ids of chunks([...new Set(objectIds)], 50)) {
        let q = db
          .selectFrom('directory_audits')
          .where('tenant_id', '=', tenantId)
          .where((eb) => selectActivities(eb, selection));
        if (to !== null) q = q.where('activity_date_time', '<=', to);
        const rows = await successful(
          q.where((eb) =>
            eb.or(
              ids.flatMap((id) => [
                eb(eb.fn<string>('lower', ['targets']), 'like', `%${id.toLowerCase()}%`),
                eb(eb.fn<string>('lower', ['additional_details']), 'like', `%${id.toLowerCase()}%`),
              ]),
            ),
          ),
        )
          .selectAll()
          .execute();
        out.push(...rows.map(rowToAudit));
      }
      out.sort(inEventOrderOf);
      return out.filter((a, i) => i === 0 || out[i - 1]!.id !== a.id);
    },

    /**
     * Successful events of the given activities by any of the actors (object ids, or names for
     * actors without one) with event time in [from, to): only what counting needs.
     */
    async actorEvents(
      tenantId: string,
      actors: { ids: readonly string[]; names: readonly string[] },
      from: string,
      to: string,
      activities: readonly string[],
    ): Promise<ActorEvent[]> {
      const out: ActorEvent[] = [];
      const lists: { column: 'actor_id' | 'actor_name'; values: string[] }[] = [
        { column: 'actor_id', values: [...new Set(actors.ids)] },
        { column: 'actor_name', values: [...new Set(actors.names)] },
      ];
      const seen = new Set<string>();
      for (const { column, values } of lists) {
        for (const part of chunks(values, CHUNK)) {
          const rows = await successful(
            db
              .selectFrom('directory_audits')
              .where('tenant_id', '=', tenantId)
              .where('activity_date_time', '>=', from)
              .where('activity_date_time', '<', to)
              .where((eb) => eb(eb.fn<string>('lower', ['activity']), 'in', [...activities]))
              .where(column, 'in', part),
          )
            .select(['id', 'activity_date_time', 'actor_id', 'actor_name'])
            .execute();
          for (const r of rows) {
            if (seen.has(r.id)) continue;
            seen.add(r.id);
            out.push({ id: r.id, at: r.activity_date_time, actorId: r.actor_id, actorName: r.actor_name });
          }
        }
      }
      return out;
    },

    /** Where the tenant's audit and sign-in history begins (event time), or null when there is none. */
    async historySince(tenantId: string): Promise<{ audits: string | null; signIns: string | null }> {
      const audits = await db
        .selectFrom('directory_audits')
        .select((eb) => eb.fn.min('activity_date_time').as('since'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      const signIns = await db
        .selectFrom('sign_in_history')
        .select('first_created_at as since')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return {
        audits: audits?.since == null ? null : String(audits.since),
        signIns: signIns?.since == null ? null : String(signIns.since),
      };
    },

    /** Service principals by object id or app id. */
    async servicePrincipals(tenantId: string, by: ObjectLookup): Promise<InventoryObject[]> {
      return byIdOrAppId(by, async (column, part) =>
        (
          await db
            .selectFrom('service_principals')
            .select(['id', 'app_id', 'kind', 'created_at'])
            .where('tenant_id', '=', tenantId)
            .where(column, 'in', part)
            .execute()
        ).map((r) => ({ id: r.id, appId: r.app_id, kind: r.kind, createdAt: r.created_at })),
      );
    },

    /** App registrations by object id or app id. */
    async applications(tenantId: string, by: ObjectLookup): Promise<InventoryObject[]> {
      return byIdOrAppId(by, async (column, part) =>
        (
          await db
            .selectFrom('applications')
            .select(['id', 'app_id', 'created_at'])
            .where('tenant_id', '=', tenantId)
            .where(column, 'in', part)
            .execute()
        ).map((r) => ({ id: r.id, appId: r.app_id, kind: null, createdAt: r.created_at })),
      );
    },

    /** Every credential row of the owners, removed ones included (the caller asks what was held when). */
    async credentialsOf(tenantId: string, ownerIds: readonly string[]): Promise<CredentialLifecycle[]> {
      const out: CredentialLifecycle[] = [];
      for (const part of chunks([...new Set(ownerIds)], CHUNK)) {
        const rows = await db
          .selectFrom('credentials')
          .select(['owner_id', 'key_id', 'added_at', 'start_date_time', 'removed_at', 'added_via'])
          .where('tenant_id', '=', tenantId)
          .where('owner_id', 'in', part)
          .execute();
        for (const r of rows) {
          out.push({
            ownerId: r.owner_id,
            keyId: r.key_id,
            addedAt: r.added_at,
            startDateTime: r.start_date_time,
            removedAt: r.removed_at,
            addedThroughVigil: r.added_via === 'vigil',
          });
        }
      }
      return out;
    },

    /**
     * Per look-up, the principal's last successful sign-in before `before`, and its last one naming
     * a key or federated credential since `since`; answers in the order asked. Each look-up is two
     * index seeks (principal, time descending), many look-ups to a query.
     */
    async signInFacts(tenantId: string, lookups: readonly SignInLookup[]): Promise<SignInFacts[]> {
      const out: SignInFacts[] = lookups.map(() => ({ lastSignInAt: null, lastCredentialSignInAt: null }));
      for (let start = 0; start < lookups.length; start += SIGN_IN_CHUNK) {
        const part = lookups.slice(start, start + SIGN_IN_CHUNK);
        const queries = part.map((l, i) =>
          db.selectNoFrom((eb) => [
            eb.lit(start + i).as('n'),
            eb
              .selectFrom('sign_ins')
              .select('created_at')
              .where('service_principal_id', '=', l.principalId)
              .where('tenant_id', '=', tenantId)
              .where('created_at', '<', l.before)
              .where('status_code', '=', 0)
              .orderBy('created_at', 'desc')
              .limit(1)
              .as('last_sign_in_at'),
            eb
              .selectFrom('sign_ins')
              .select('created_at')
              .where('service_principal_id', '=', l.principalId)
              .where('tenant_id', '=', tenantId)
              .where('created_at', '<', l.before)
              .where('created_at', '>=', l.since)
              .where('status_code', '=', 0)
              .where((w) =>
                w.or([w('credential_key_id', 'is not', null), w('federated_credential_id', 'is not', null)]),
              )
              .orderBy('created_at', 'desc')
              .limit(1)
              .as('last_credential_sign_in_at'),
          ]),
        );
        let query = queries[0]!;
        for (const q of queries.slice(1)) query = query.unionAll(q);
        for (const r of await query.execute()) {
          out[Number(r.n)] = {
            lastSignInAt: r.last_sign_in_at == null ? null : String(r.last_sign_in_at),
            lastCredentialSignInAt:
              r.last_credential_sign_in_at == null ? null : String(r.last_credential_sign_in_at),
          };
        }
      }
      return out;
    },
  };
}
