import type { Kysely, Migration } from 'kysely';

/**
 * What Vigil keeps of the credentials it issues or registers itself (a client secret's salted hash,
 * the certificate it registered (public), so a later leak of either is matched exactly) and the
 * remediation plans of principals. A plan's steps and their evidence live in its JSON body: they are
 * read and written whole, one plan at a time.
 */
export const credentialActions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('credentials').addColumn('secret_salt', 'text').execute();
    await db.schema.alterTable('credentials').addColumn('secret_hash', 'text').execute();
    await db.schema.alterTable('credentials').addColumn('certificate', 'text').execute();
    // `vigil` for credentials added through Vigil's actions: changes an administrator made on purpose.
    await db.schema.alterTable('credentials').addColumn('added_via', 'text').execute();
    await db.schema
      .createTable('remediation_plans')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('remediation_plans_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('remediation_plans_principal')
      .on('remediation_plans')
      .columns(['tenant_id', 'principal_id', 'created_at'])
      .execute();
  },
};
