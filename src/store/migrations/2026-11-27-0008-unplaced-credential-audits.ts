import type { Kysely, Migration } from 'kysely';

/**
 * Audit events that added a credential to an object whose service principal Vigil did not know yet
 * (an app registration whose principal has neither signed in nor been listed by an inventory). Each
 * detection run tries them again, so the addition is judged once its principal shows up.
 */
export const unplacedCredentialAudits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('unplaced_credential_audits')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('activity_date_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('unplaced_credential_audits_pk', ['tenant_id', 'audit_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('unplaced_credential_audits').execute();
  },
};
