import type { Store } from '../open-store.ts';
import type { DiagnosticSettingTable, ExportCursorTable } from '../schema.ts';

/** A setting as stored: its tenant (`*` for every tenant), name, and JSON body with secrets. */
export interface StoredSetting {
  tenantId: string;
  name: string;
  body: unknown;
  source: 'api' | 'config';
}

/** Reads and writes diagnostic settings and the delivery cursors of their destinations. */
export function createDiagnosticSettingQueries(store: Store) {
  const { db } = store;
  const toStored = (r: DiagnosticSettingTable): StoredSetting => ({
    tenantId: r.tenant_id,
    name: r.name,
    body: JSON.parse(r.body),
    source: r.source as StoredSetting['source'],
  });
  return {
    async list(tenantId?: string): Promise<StoredSetting[]> {
      let q = db.selectFrom('diagnostic_settings').selectAll().orderBy('tenant_id').orderBy('name');
      if (tenantId !== undefined) q = q.where('tenant_id', 'in', [tenantId, '*']);
      return (await q.execute()).map(toStored);
    },
    async get(tenantId: string, name: string): Promise<StoredSetting | undefined> {
      const r = await db
        .selectFrom('diagnostic_settings')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? toStored(r) : undefined;
    },
    /** Creates or replaces a setting; says whether it was new. */
    async put(s: StoredSetting, categories: readonly string[], now: string): Promise<boolean> {
      const row: DiagnosticSettingTable = {
        tenant_id: s.tenantId,
        name: s.name,
        categories: `,${categories.join(',')},`,
        body: JSON.stringify(s.body),
        source: s.source,
        updated_at: now,
      };
      return db.transaction().execute(async (trx) => {
        const existed = await trx
          .selectFrom('diagnostic_settings')
          .select('name')
          .where('tenant_id', '=', s.tenantId)
          .where('name', '=', s.name)
          .executeTakeFirst();
        await trx
          .insertInto('diagnostic_settings')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'name']).doUpdateSet({
              categories: row.categories,
              body: row.body,
              source: row.source,
              updated_at: now,
            }),
          )
          .execute();
        return !existed;
      });
    },
    /** Deletes a setting and its cursors; false when there was none. */
    async remove(tenantId: string, name: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .deleteFrom('diagnostic_settings')
          .where('tenant_id', '=', tenantId)
          .where('name', '=', name)
          .executeTakeFirst();
        await trx
          .deleteFrom('export_cursors')
          .where('setting_tenant', '=', tenantId)
          .where('setting_name', '=', name)
          .execute();
        return Number(r.numDeletedRows) > 0;
      });
    },
    cursors(): Promise<ExportCursorTable[]> {
      return db
        .selectFrom('export_cursors')
        .selectAll()
        .orderBy('setting_tenant')
        .orderBy('setting_name')
        .execute();
    },
    async cursor(
      key: Pick<ExportCursorTable, 'setting_tenant' | 'setting_name' | 'destination' | 'category'>,
    ): Promise<ExportCursorTable | undefined> {
      return db
        .selectFrom('export_cursors')
        .selectAll()
        .where('setting_tenant', '=', key.setting_tenant)
        .where('setting_name', '=', key.setting_name)
        .where('destination', '=', key.destination)
        .where('category', '=', key.category)
        .executeTakeFirst();
    },
    async saveCursor(c: ExportCursorTable): Promise<void> {
      const { setting_tenant, setting_name, destination, category, ...rest } = c;
      await db
        .insertInto('export_cursors')
        .values(c)
        .onConflict((oc) =>
          oc.columns(['setting_tenant', 'setting_name', 'destination', 'category']).doUpdateSet(rest),
        )
        .execute();
    },
    /** Drops cursors of destinations a setting no longer has. */
    async keepCursors(tenantId: string, name: string, destinations: readonly string[]): Promise<void> {
      let q = db
        .deleteFrom('export_cursors')
        .where('setting_tenant', '=', tenantId)
        .where('setting_name', '=', name);
      if (destinations.length > 0) q = q.where('destination', 'not in', destinations);
      await q.execute();
    },
  };
}
