import type { Kysely, Migration } from 'kysely';

/**
 * Conditional Access policies and named locations, each kept as its Graph JSON with the columns
 * lists sort and filter on. Writers bump the `policy_version` counter in the same transaction, so
 * every process holding compiled policies sees a change on its next poll.
 */
export const conditionalAccess: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ['ca_policies', 'named_locations'] as const) {
      await db.schema
        .createTable(table)
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        // A policy's state, or a named location's kind (`ip` or `country`).
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_date_time', 'text', (c) => c.notNull())
        .addColumn('modified_date_time', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['tenant_id', 'id'])
        .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('ca_policies').execute();
    await db.schema.dropTable('named_locations').execute();
  },
};
