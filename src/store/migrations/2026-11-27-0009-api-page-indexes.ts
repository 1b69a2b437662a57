import type { Kysely, Migration } from 'kysely';

// The Graph API's default orders and the filters analysts use most, each ending in the key that
// keyset paging resumes from: a page is an index range scan, however many rows the tenant has.
// Sign-ins get none: their time index serves the newest-first page, and every index on that table
// is paid by every ingested record.
const indexes = [
  ['risk_detections_detected', 'risk_detections', ['tenant_id', 'detected_date_time', 'id']],
  [
    'risk_detections_level_detected',
    'risk_detections',
    ['tenant_id', 'risk_level', 'detected_date_time', 'id'],
  ],
  [
    'risky_principals_updated',
    'risky_principals',
    ['tenant_id', 'risk_last_updated_date_time', 'principal_id'],
  ],
  [
    'risky_principals_state_updated',
    'risky_principals',
    ['tenant_id', 'risk_state', 'risk_last_updated_date_time', 'principal_id'],
  ],
  [
    'risky_principals_level_updated',
    'risky_principals',
    ['tenant_id', 'risk_level', 'risk_last_updated_date_time', 'principal_id'],
  ],
] as const;

/** Indexes that make the API's pages range scans. */
export const apiPageIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, table, columns] of indexes) {
      await db.schema
        .createIndex(name)
        .on(table)
        .columns([...columns])
        .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    for (const [name] of indexes) await db.schema.dropIndex(name).execute();
  },
};
