import type { Kysely, Migration } from 'kysely';

/** Creates the per-principal sign-in baselines (values with first/last seen and counts, and totals) and job leases. */
export const baselines: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('baseline_values')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('property', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('baseline_values_pk', ['tenant_id', 'principal_id', 'property', 'value'])
      .execute();
    await db.schema
      .createTable('baseline_meta')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('first_sign_in_at', 'text')
      .addColumn('last_sign_in_at', 'text')
      .addColumn('successful_sign_ins', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('baseline_meta_pk', ['tenant_id', 'principal_id'])
      .execute();
    // Leases let one process of several run a scheduled job at a time (PostgreSQL deployments).
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('leases').ifExists().execute();
    await db.schema.dropTable('baseline_meta').ifExists().execute();
    await db.schema.dropTable('baseline_values').ifExists().execute();
  },
};
