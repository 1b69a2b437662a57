import type { IpIndicator } from '../../enrich/threat-intel/indicator.ts';
import type { Store } from '../open-store.ts';
import type { ThreatIndicatorTable } from '../schema.ts';

const CHUNK = 500;

/** Stores threat-intelligence indicators; importing a list again updates it in place. */
export function createIndicatorQueries(store: Store) {
  return {
    /** Upserts indicators by source and block; returns how many were new. */
    async upsert(indicators: readonly IpIndicator[], now: string): Promise<number> {
      const before = await this.count();
      for (let i = 0; i < indicators.length; i += CHUNK) {
        const rows: ThreatIndicatorTable[] = indicators.slice(i, i + CHUNK).map((x) => ({
          key: `${x.source}|${x.cidr}|${x.id ?? ''}`,
          cidr: x.cidr,
          source: x.source,
          confidence: x.confidence,
          labels: JSON.stringify(x.labels),
          valid_from: x.validFrom,
          valid_until: x.validUntil,
          source_id: x.id,
          description: x.description,
          imported_at: now,
        }));
        await store.db
          .insertInto('threat_indicators')
          .values(rows)
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              confidence: eb.ref('excluded.confidence'),
              labels: eb.ref('excluded.labels'),
              valid_from: eb.ref('excluded.valid_from'),
              valid_until: eb.ref('excluded.valid_until'),
              description: eb.ref('excluded.description'),
              imported_at: eb.ref('excluded.imported_at'),
            })),
          )
          .execute();
      }
      return (await this.count()) - before;
    },
    async count(): Promise<number> {
      const r = await store.db
        .selectFrom('threat_indicators')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Every indicator, for building the matcher. */
    async all(): Promise<IpIndicator[]> {
      const rows = await store.db.selectFrom('threat_indicators').selectAll().execute();
      return rows.map((r) => ({
        cidr: r.cidr,
        source: r.source,
        confidence: Number(r.confidence),
        labels: JSON.parse(r.labels),
        validFrom: r.valid_from,
        validUntil: r.valid_until,
        id: r.source_id,
        description: r.description,
      }));
    },
  };
}
