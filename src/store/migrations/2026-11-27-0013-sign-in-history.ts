import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Where each tenant's sign-in history begins (event time), kept by ingest as it writes. Detection
 * asks this on every run (a principal is called dormant only if sign-ins were collected all that
 * time); working it out from the arrivals instead reads a row per batch and principal ever stored,
 * which grows with every run.
 */
export const signInHistory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_in_history')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('first_created_at', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into sign_in_history (tenant_id, first_created_at)
      select tenant_id, min(first_created_at) from sign_in_arrivals group by tenant_id`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sign_in_history').ifExists().execute();
  },
};
