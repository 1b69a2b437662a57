import type { Kysely, Migration } from 'kysely';

// Column types are the dialect-neutral subset (text, integer, real) so one migration serves
// SQLite and PostgreSQL alike.

/** Creates the ingest tables: counters, sign-ins, audits, inventory, credentials, quarantine, API keys. */
export const ingestFoundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sign_ins')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('ingest_batch', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('service_principal_id', 'text', (c) => c.notNull())
      .addColumn('service_principal_name', 'text')
      .addColumn('app_id', 'text')
      .addColumn('ip_address', 'text')
      .addColumn('asn', 'integer')
      .addColumn('as_org', 'text')
      .addColumn('country', 'text')
      .addColumn('state', 'text')
      .addColumn('city', 'text')
      .addColumn('hosting', 'integer')
      .addColumn('hosting_provider', 'text')
      .addColumn('resource_id', 'text')
      .addColumn('resource_name', 'text')
      .addColumn('resource_service_principal_id', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('credential_type', 'text')
      .addColumn('credential_key_id', 'text')
      .addColumn('credential_thumbprint', 'text')
      .addColumn('federated_credential_id', 'text')
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('failure_reason', 'text')
      .addColumn('conditional_access_status', 'text')
      .addColumn('applied_policies', 'text')
      .addColumn('request_id', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('msi_type', 'text')
      .addColumn('associated_resource_id', 'text')
      .addPrimaryKeyConstraint('sign_ins_pk', ['tenant_id', 'id'])
      .execute();
    // Detection reads a principal's sign-ins in event-time order. Principal object ids are GUIDs,
    // unique across tenants, so the tenant need not lead the key: a shorter key is fewer index
    // pages for every insert to touch (queries still filter by tenant).
    await db.schema
      .createIndex('sign_ins_principal_time')
      .on('sign_ins')
      .columns(['service_principal_id', 'created_at'])
      .execute();
    // What each batch brought, per principal: incremental work reads this small table to find the
    // principals with new sign-ins and the event time to resume from, instead of an index on the
    // batch number of every sign-in (which would cost every insert a third index).
    await db.schema
      .createTable('sign_in_arrivals')
      .addColumn('ingest_batch', 'integer', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('service_principal_id', 'text', (c) => c.notNull())
      .addColumn('first_created_at', 'text', (c) => c.notNull())
      .addColumn('last_created_at', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('sign_in_arrivals_pk', ['ingest_batch', 'tenant_id', 'service_principal_id'])
      .execute();

    await db.schema
      .createTable('directory_audits')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('ingest_batch', 'integer', (c) => c.notNull())
      .addColumn('activity_date_time', 'text', (c) => c.notNull())
      .addColumn('activity_display_name', 'text', (c) => c.notNull())
      .addColumn('activity', 'text', (c) => c.notNull())
      .addColumn('category', 'text')
      .addColumn('operation_type', 'text')
      .addColumn('result', 'text')
      .addColumn('result_reason', 'text')
      .addColumn('logged_by_service', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('initiated_by', 'text', (c) => c.notNull())
      .addColumn('targets', 'text', (c) => c.notNull())
      .addColumn('additional_details', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('directory_audits_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('directory_audits_time')
      .on('directory_audits')
      .columns(['tenant_id', 'activity_date_time'])
      .execute();
    await db.schema
      .createIndex('directory_audits_batch')
      .on('directory_audits')
      .column('ingest_batch')
      .execute();

    await db.schema
      .createTable('service_principals')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('display_name', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('service_principal_type', 'text')
      .addColumn('app_owner_organization_id', 'text')
      .addColumn('account_enabled', 'integer')
      .addColumn('created_at', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_principals_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('service_principals_app')
      .on('service_principals')
      .columns(['tenant_id', 'app_id'])
      .execute();

    await db.schema
      .createTable('applications')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('display_name', 'text')
      .addColumn('sign_in_audience', 'text')
      .addColumn('created_at', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('applications_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('applications_app')
      .on('applications')
      .columns(['tenant_id', 'app_id'])
      .execute();

    await db.schema
      .createTable('credentials')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('owner_type', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text')
      .addColumn('usage', 'text')
      .addColumn('display_name', 'text')
      .addColumn('hint', 'text')
      .addColumn('thumbprint', 'text')
      .addColumn('start_date_time', 'text')
      .addColumn('end_date_time', 'text')
      .addColumn('issuer', 'text')
      .addColumn('subject', 'text')
      .addColumn('audiences', 'text')
      .addColumn('added_at', 'text')
      .addColumn('added_by', 'text')
      .addColumn('removed_at', 'text')
      .addColumn('removed_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('credentials_pk', ['tenant_id', 'owner_id', 'key_id'])
      .execute();
    await db.schema
      .createIndex('credentials_key')
      .on('credentials')
      .columns(['tenant_id', 'key_id'])
      .execute();

    await db.schema
      .createTable('quarantine')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('line', 'integer')
      .addColumn('path', 'text')
      .addColumn('format', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quarantine_time')
      .on('quarantine')
      .columns(['tenant_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      'api_keys',
      'quarantine',
      'credentials',
      'applications',
      'service_principals',
      'directory_audits',
      'sign_in_arrivals',
      'sign_ins',
      'counters',
    ]) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
