import { type Kysely, type Migration, sql } from 'kysely';

/**
 * An index over failed sign-ins by event time, and where TAXII polling resumes.
 *
 * Password spray detection looks for many principals failing from one address. Failures are a small
 * share of sign-ins, so a partial index over them alone lets a run find the addresses that failed
 * recently, and read one address's failures, without touching successful sign-ins; and inserts of
 * successful sign-ins (almost all of them) do not maintain it. It is led by event time, which grows
 * as records arrive, so the failures that do go in append at its end. Queries must repeat the
 * condition `status_code <> 0` literally for SQLite to use it.
 */
export const failedSignInsAndTaxiiPolls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('sign_ins_failures_time')
      .on('sign_ins')
      .columns(['created_at', 'ip_address', 'ingest_batch'])
      .where(sql<boolean>`status_code <> 0`)
      .execute();
    // One row per configured TAXII collection: the server's date-added watermark to ask for newer
    // objects only, and how the last attempt went. The API root and collection are kept so that a
    // feed pointed elsewhere under the same name starts afresh instead of skipping objects.
    await db.schema
      .createTable('taxii_polls')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('api_root', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('added_after', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_success_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('indicators', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('taxii_polls').ifExists().execute();
    await db.schema.dropIndex('sign_ins_failures_time').ifExists().execute();
  },
};
