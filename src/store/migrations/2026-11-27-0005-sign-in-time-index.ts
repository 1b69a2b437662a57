import type { Kysely, Migration } from 'kysely';

/**
 * Detection passes read the sign-ins of a run in event-time order across principals, skipping rows
 * of earlier ingest batches: an index on event time that also carries the batch lets them walk the
 * table in time order and skip old rows without reading them.
 */
export const signInTimeIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('sign_ins_time_batch')
      .on('sign_ins')
      .columns(['created_at', 'ingest_batch'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('sign_ins_time_batch').execute();
  },
};
