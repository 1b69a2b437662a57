import type { Kysely, Migration } from 'kysely';

/** Creates the risk tables: detections, each principal's risk, and its history. */
export const risk: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('risk_detections')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('risk_event_type', 'text', (c) => c.notNull())
      .addColumn('risk_level', 'text', (c) => c.notNull())
      .addColumn('risk_state', 'text', (c) => c.notNull())
      .addColumn('risk_detail', 'text', (c) => c.notNull())
      .addColumn('activity', 'text', (c) => c.notNull())
      .addColumn('activity_date_time', 'text', (c) => c.notNull())
      .addColumn('detected_date_time', 'text', (c) => c.notNull())
      .addColumn('last_updated_date_time', 'text', (c) => c.notNull())
      .addColumn('ip_address', 'text')
      .addColumn('location', 'text')
      .addColumn('key_ids', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('additional_info', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_detections_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('risk_detections_principal')
      .on('risk_detections')
      .columns(['tenant_id', 'principal_id', 'detected_date_time'])
      .execute();

    await db.schema
      .createTable('risky_principals')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('risk_level', 'text', (c) => c.notNull())
      .addColumn('risk_state', 'text', (c) => c.notNull())
      .addColumn('risk_detail', 'text', (c) => c.notNull())
      .addColumn('risk_last_updated_date_time', 'text')
      .addPrimaryKeyConstraint('risky_principals_pk', ['tenant_id', 'principal_id'])
      .execute();

    await db.schema
      .createTable('risk_history')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('risk_level', 'text', (c) => c.notNull())
      .addColumn('risk_state', 'text', (c) => c.notNull())
      .addColumn('risk_detail', 'text', (c) => c.notNull())
      .addColumn('risk_last_updated_date_time', 'text', (c) => c.notNull())
      .addColumn('initiated_by', 'text')
      .addColumn('activity_detail', 'text', (c) => c.notNull())
      .addColumn('activity_risk_event_types', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_history_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('risk_history_principal')
      .on('risk_history')
      .columns(['tenant_id', 'principal_id', 'risk_last_updated_date_time'])
      .execute();

    // Threat-intelligence indicators are shared by every tenant: feeds describe the internet.
    await db.schema
      .createTable('threat_indicators')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('cidr', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('confidence', 'integer', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text')
      .addColumn('valid_until', 'text')
      .addColumn('source_id', 'text')
      .addColumn('description', 'text')
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['threat_indicators', 'risk_history', 'risky_principals', 'risk_detections']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
