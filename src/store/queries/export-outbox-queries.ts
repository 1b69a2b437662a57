import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Store } from '../open-store.ts';
import type { Database, ExportOutboxTable } from '../schema.ts';

/** The export categories an outbox row can belong to (as Entra names them). */
export type OutboxCategory =
  | 'RiskyServicePrincipals'
  | 'ServicePrincipalRiskEvents'
  | 'ServicePrincipalSignInLogs'
  | 'ManagedIdentitySignInLogs'
  | 'AuditLogs';

/** A place in the outbox: the last row a destination delivered. */
export interface OutboxPosition {
  batch: number;
  position: number;
}

/**
 * Queues changes for export inside the caller's transaction, when some diagnostic setting of the
 * tenant (or of every tenant) exports the category; otherwise writes nothing, so a deployment that
 * exports nothing pays one small read.
 */
export async function enqueueExports(
  trx: Kysely<Database>,
  tenantId: string,
  category: OutboxCategory,
  refs: readonly string[],
): Promise<void> {
  if (refs.length === 0) return;
  // Wall-clock time: what the pending age and pruning measure, whatever the event's own time.
  const now = new Date().toISOString();
  const wanted = await trx
    .selectFrom('diagnostic_settings')
    .select('name')
    .where('tenant_id', 'in', [tenantId, '*'])
    .where('categories', 'like', `%,${category},%`)
    .limit(1)
    .executeTakeFirst();
  if (!wanted) return;
  // The counter row stays locked until commit: batches become visible in the order they commit.
  const { value } = await trx
    .insertInto('counters')
    .values({ name: 'outbox_batch', value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  const batch = Number(value);
  // Bounded statements: SQLite allows 32,766 bound values, six per row.
  for (let i = 0; i < refs.length; i += 2000) {
    await trx
      .insertInto('export_outbox')
      .values(
        refs.slice(i, i + 2000).map((ref, k) => ({
          batch,
          position: i + k,
          tenant_id: tenantId,
          category,
          ref,
          created_at: now,
        })),
      )
      .execute();
  }
}

/** Rows after `after` in outbox order. */
function beyond(eb: ExpressionBuilder<Database, 'export_outbox'>, after: OutboxPosition) {
  return eb.or([
    eb('batch', '>', after.batch),
    eb.and([eb('batch', '=', after.batch), eb('position', '>', after.position)]),
  ]);
}

/** Reads and trims the outbox. */
export function createExportOutboxQueries(store: Store) {
  const { db } = store;
  return {
    /** Up to `limit` rows of a category after `after`, in order; `tenantId` null reads every tenant. */
    after(
      category: OutboxCategory,
      tenantId: string | null,
      after: OutboxPosition,
      limit: number,
    ): Promise<ExportOutboxTable[]> {
      let q = db
        .selectFrom('export_outbox')
        .selectAll()
        .where('category', '=', category)
        .where((eb) => beyond(eb, after));
      if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
      return q.orderBy('batch').orderBy('position').limit(limit).execute();
    },
    /** How many rows of a category wait after `after`, and the creation time of the oldest. */
    async pending(
      category: OutboxCategory,
      tenantId: string | null,
      after: OutboxPosition,
    ): Promise<{ count: number; oldest: string | null }> {
      let q = db
        .selectFrom('export_outbox')
        .select([sql<number | string>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
        .where('category', '=', category)
        .where((eb) => beyond(eb, after));
      if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
      const r = await q.executeTakeFirst();
      return { count: Number(r?.n ?? 0), oldest: r?.oldest ?? null };
    },
    /**
     * Deletes rows every destination has delivered (below every cursor of their category) and
     * older than `before`; rows of a category nobody exports any more go once old. Returns how many.
     */
    async prune(before: string): Promise<number> {
      let removed = 0;
      // Per category, the cursor furthest behind: everything at or before it was delivered everywhere.
      const floor = new Map<string, OutboxPosition>();
      for (const c of await db
        .selectFrom('export_cursors')
        .select(['category', 'batch', 'position'])
        .execute()) {
        const at = { batch: Number(c.batch), position: Number(c.position) };
        const low = floor.get(c.category);
        if (!low || at.batch < low.batch || (at.batch === low.batch && at.position < low.position)) {
          floor.set(c.category, at);
        }
      }
      const categories = await db.selectFrom('export_outbox').select('category').distinct().execute();
      for (const { category } of categories) {
        const low = floor.get(category);
        let q = db
          .deleteFrom('export_outbox')
          .where('category', '=', category)
          .where('created_at', '<', before);
        if (low) {
          q = q.where((eb) =>
            eb.or([
              eb('batch', '<', low.batch),
              eb.and([eb('batch', '=', low.batch), eb('position', '<=', low.position)]),
            ]),
          );
        }
        const r = await q.executeTakeFirst();
        removed += Number(r.numDeletedRows);
      }
      return removed;
    },
  };
}
