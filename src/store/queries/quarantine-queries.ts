import type { Store } from '../open-store.ts';

/** One quarantined record as listed to a person. */
export interface QuarantineEntry {
  tenantId: string;
  source: string;
  line: number | null;
  path: string | null;
  format: string | null;
  reason: string;
  text: string;
  createdAt: string;
}

/** Reads the quarantine. */
export function createQuarantineQueries(store: Store) {
  return {
    /** Newest first, then by source position; bounded by `limit`. */
    async list(options: { tenantId?: string; source?: string; limit: number }): Promise<QuarantineEntry[]> {
      let q = store.db.selectFrom('quarantine').selectAll();
      if (options.tenantId) q = q.where('tenant_id', '=', options.tenantId);
      if (options.source) q = q.where('source', '=', options.source);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('source')
        .orderBy('line')
        .orderBy('path')
        .limit(options.limit)
        .execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        source: r.source,
        line: r.line === null ? null : Number(r.line),
        path: r.path,
        format: r.format,
        reason: r.reason,
        text: r.text,
        createdAt: r.created_at,
      }));
    },
    /** How many records are quarantined. */
    async count(tenantId?: string): Promise<number> {
      let q = store.db.selectFrom('quarantine').select((eb) => eb.fn.countAll().as('n'));
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
