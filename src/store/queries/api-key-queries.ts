import type { Store } from '../open-store.ts';
import type { ApiKeyTable } from '../schema.ts';
import { bumpCounter } from './bump-counter.ts';

/** Stores and finds API keys by their public id; only hashes of secrets are stored. */
export function createApiKeyQueries(store: Store) {
  return {
    async insert(row: ApiKeyTable): Promise<void> {
      await store.db.insertInto('api_keys').values(row).execute();
    },
    async findById(id: string): Promise<ApiKeyTable | undefined> {
      return store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async list(tenantId?: string): Promise<ApiKeyTable[]> {
      let q = store.db.selectFrom('api_keys').selectAll();
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return q.orderBy('created_at').execute();
    },
    async countActive(): Promise<number> {
      const row = await store.db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Revokes a key; returns whether an active key was revoked. Servers learn of it by `api_key_version`. */
    async revoke(id: string, at: string): Promise<boolean> {
      return store.db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('api_keys')
          .set({ revoked_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        const revoked = Number(r.numUpdatedRows) > 0;
        if (revoked) await bumpCounter(trx, 'api_key_version');
        return revoked;
      });
    },
    async touch(id: string, at: string): Promise<void> {
      await store.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}
