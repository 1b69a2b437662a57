import type { Store } from '../open-store.ts';

/** Leases on named jobs: whoever holds an unexpired lease runs the job; others skip it. */
export function createLeaseQueries(store: Store) {
  return {
    /**
     * Takes or renews the lease until `until` when it is free, expired, or already ours; says whether
     * we hold it. One conditional upsert, so two processes racing for it cannot both win.
     */
    async acquire(name: string, holder: string, now: string, until: string): Promise<boolean> {
      await store.db
        .insertInto('leases')
        .values({ name, holder, expires_at: until })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: until })
            .where((eb) => eb.or([eb('leases.expires_at', '<', now), eb('leases.holder', '=', holder)])),
        )
        .execute();
      const row = await store.db
        .selectFrom('leases')
        .select('holder')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.holder === holder;
    },
    /** Gives the lease up early, if we hold it. */
    async release(name: string, holder: string): Promise<void> {
      await store.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
    },
  };
}
