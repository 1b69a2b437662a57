import type { ConditionalAccessPolicy, NamedLocation } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import type { ConditionalAccessObjectTable } from '../schema.ts';
import { bumpCounter } from './bump-counter.ts';

/** The two tables of Conditional Access objects. */
export type ConditionalAccessTable = 'ca_policies' | 'named_locations';

/** What each table holds. */
export interface ConditionalAccessObjects {
  ca_policies: ConditionalAccessPolicy;
  named_locations: NamedLocation;
}

// Both tables have the same columns: one table's type serves the queries of either.
function same(table: ConditionalAccessTable): 'ca_policies' {
  return table as 'ca_policies';
}

function rowOf<T extends ConditionalAccessTable>(
  table: T,
  tenantId: string,
  o: ConditionalAccessObjects[T],
): ConditionalAccessObjectTable {
  return {
    tenant_id: tenantId,
    id: o.id,
    display_name: o.displayName,
    kind:
      table === 'ca_policies'
        ? (o as ConditionalAccessPolicy).state
        : (o as NamedLocation)['@odata.type'] === '#microsoft.graph.ipNamedLocation'
          ? 'ip'
          : 'country',
    created_date_time: o.createdDateTime,
    modified_date_time: o.modifiedDateTime,
    body: JSON.stringify(o),
  };
}

/** Reads and writes policies and named locations; every write bumps `policy_version`. */
export function createConditionalAccessQueries(store: Store) {
  const { db } = store;
  return {
    async list<T extends ConditionalAccessTable>(
      table: T,
      tenantId?: string,
    ): Promise<(ConditionalAccessObjects[T] & { tenantId: string })[]> {
      let q = db
        .selectFrom(same(table))
        .select(['tenant_id', 'body'])
        .orderBy('tenant_id')
        .orderBy('created_date_time')
        .orderBy('id');
      if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
      return (await q.execute()).map((r) => ({
        ...(JSON.parse(r.body) as ConditionalAccessObjects[T]),
        tenantId: r.tenant_id,
      }));
    },
    async get<T extends ConditionalAccessTable>(
      table: T,
      tenantId: string,
      id: string,
    ): Promise<ConditionalAccessObjects[T] | undefined> {
      const r = await db
        .selectFrom(same(table))
        .select('body')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? (JSON.parse(r.body) as ConditionalAccessObjects[T]) : undefined;
    },
    async insert<T extends ConditionalAccessTable>(
      table: T,
      tenantId: string,
      o: ConditionalAccessObjects[T],
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto(same(table))
          .values(rowOf(table, tenantId, o))
          .execute();
        await bumpCounter(trx, 'policy_version');
      });
    },
    async update<T extends ConditionalAccessTable>(
      table: T,
      tenantId: string,
      o: ConditionalAccessObjects[T],
    ): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const { tenant_id: _t, id: _i, ...changes } = rowOf(table, tenantId, o);
        const r = await trx
          .updateTable(same(table))
          .set(changes)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', o.id)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await bumpCounter(trx, 'policy_version');
        return true;
      });
    },
    async remove(table: ConditionalAccessTable, tenantId: string, id: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .deleteFrom(table)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) return false;
        await bumpCounter(trx, 'policy_version');
        return true;
      });
    },
  };
}
