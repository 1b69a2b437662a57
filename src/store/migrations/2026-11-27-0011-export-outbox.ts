import type { Kysely, Migration } from 'kysely';

/**
 * The export outbox, diagnostic settings and each destination's cursor. An outbox row names what
 * changed (a history item, a detection, a sign-in, an audit event) rather than copying it: rows
 * are written in the transaction of the change, small, and rendered when delivered. Rows are
 * numbered by an outbox batch taken from a counter inside that transaction, so batches become
 * visible in commit order and a cursor never skips one.
 */
export const exportOutbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('export_outbox')
      .addColumn('batch', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('export_outbox_pk', ['batch', 'position'])
      .execute();
    await db.schema
      .createIndex('export_outbox_category')
      .on('export_outbox')
      .columns(['category', 'batch', 'position'])
      .execute();
    await db.schema
      .createTable('diagnostic_settings')
      // `*` for settings of the configuration file, which apply to every tenant.
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // `,Category,Category,` so a LIKE finds the settings of a category without parsing bodies.
      .addColumn('categories', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('diagnostic_settings_pk', ['tenant_id', 'name'])
      .execute();
    await db.schema
      .createTable('export_cursors')
      .addColumn('setting_tenant', 'text', (c) => c.notNull())
      .addColumn('setting_name', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('batch', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('delivered', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('last_success_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('export_cursors_pk', [
        'setting_tenant',
        'setting_name',
        'destination',
        'category',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('export_cursors').execute();
    await db.schema.dropTable('diagnostic_settings').execute();
    await db.schema.dropTable('export_outbox').execute();
  },
};
