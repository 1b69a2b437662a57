import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

// The text columns of sign_ins that sign_in_scan holds as codes into sign_in_values.
const CODED = [
  'tenant_id',
  'service_principal_id',
  'as_org',
  'country',
  'hosting_provider',
  'resource_id',
  'user_agent',
  'credential_type',
  'credential_key_id',
  'federated_credential_id',
  'credential_thumbprint',
] as const;

/**
 * What a detection pass reads of each sign-in, apart from the rest: a narrow row in event-time order
 * whose repeating text (tenant, principal, network owner, country, resource, client, credential) is
 * a number standing for a value in `sign_in_values`. Reading a million wide sign-in rows costs most
 * of a pass in decoding rows and making strings; these rows are a tenth of the size and carry two
 * strings, the id and the time, besides the address. Ingest writes both in the same transaction.
 */
export const signInScan: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_in_values')
      .addColumn('code', 'integer', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('sign_in_scan')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('ingest_batch', 'integer', (c) => c.notNull())
      .addColumn('tenant', 'integer', (c) => c.notNull())
      .addColumn('principal', 'integer', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('managed_identity', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('ip_address', 'text')
      .addColumn('asn', 'integer')
      .addColumn('as_org', 'integer')
      .addColumn('country', 'integer')
      .addColumn('hosting', 'integer')
      .addColumn('hosting_provider', 'integer')
      .addColumn('resource_id', 'integer')
      .addColumn('user_agent', 'integer')
      .addColumn('credential_type', 'integer')
      .addColumn('credential_key_id', 'integer')
      .addColumn('federated_credential_id', 'integer')
      .addColumn('credential_thumbprint', 'integer')
      .addPrimaryKeyConstraint('sign_in_scan_pk', ['created_at', 'tenant', 'id'])
      // SQLite keeps the rows in the key's b-tree itself: a pass reads them in time order from one
      // tree, and ingest writes one tree instead of a table and an index.
      .$call((t) => (db.getExecutor().adapter instanceof SqliteAdapter ? t.modifyEnd(sql`without rowid`) : t))
      .execute();

    // Sign-ins stored before: every distinct value gets a code, then every sign-in its scan row.
    const distinct = sql.join(
      CODED.map((c) => sql`select ${sql.ref(c)} as value from sign_ins where ${sql.ref(c)} is not null`),
      sql` union `,
    );
    await sql`insert into sign_in_values (code, value)
      select row_number() over (order by value), value from (${distinct}) v`.execute(db);
    const code = (c: (typeof CODED)[number]) =>
      sql`(select code from sign_in_values where value = s.${sql.ref(c)})`;
    await sql`insert into sign_in_scan (created_at, ingest_batch, tenant, principal, id, managed_identity,
        status_code, ip_address, asn, as_org, country, hosting, hosting_provider, resource_id, user_agent,
        credential_type, credential_key_id, federated_credential_id, credential_thumbprint)
      select s.created_at, s.ingest_batch, ${code('tenant_id')}, ${code('service_principal_id')}, s.id,
        case when s.kind = 'managedIdentity' then 1 else 0 end, s.status_code, s.ip_address, s.asn,
        ${code('as_org')}, ${code('country')}, s.hosting, ${code('hosting_provider')}, ${code('resource_id')},
        ${code('user_agent')}, ${code('credential_type')}, ${code('credential_key_id')},
        ${code('federated_credential_id')}, ${code('credential_thumbprint')}
      from sign_ins s order by s.created_at`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sign_in_scan').ifExists().execute();
    await db.schema.dropTable('sign_in_values').ifExists().execute();
  },
};
