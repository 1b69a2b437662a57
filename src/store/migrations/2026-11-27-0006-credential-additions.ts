import type { Kysely, Migration } from 'kysely';

/**
 * Credential additions with the verdict detection gave them when their audit event arrived (routine
 * or not, and why). Suspicious sign-ins read them back to say which change came shortly before an
 * unusual sign-in, and to follow a new credential to its first use, in later runs as in the same one.
 */
export const credentialAdditions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('credential_additions')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('routine', 'integer', (c) => c.notNull())
      .addColumn('addition', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('credential_additions_pk', ['tenant_id', 'audit_id', 'key_id'])
      .execute();
    await db.schema
      .createIndex('credential_additions_principal')
      .on('credential_additions')
      .columns(['tenant_id', 'principal_id', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('credential_additions').execute();
  },
};
