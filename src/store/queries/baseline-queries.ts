import type { Kysely } from 'kysely';
import { baselineFromRows, baselineToRows } from '../../baselines/baseline-rows.ts';
import { createSignInBaseline, type SignInBaseline } from '../../baselines/sign-in-baseline.ts';
import type { Store } from '../open-store.ts';
import type { Database } from '../schema.ts';

const COLUMNS = [
  'tenant_id',
  'principal_id',
  'property',
  'value',
  'first_seen',
  'last_seen',
  'count',
] as const;

/** Loads and saves principals' sign-in baselines. */
export function createBaselineQueries(store: Store) {
  return {
    /** The principal's baseline, or an empty one. */
    async load(db: Kysely<Database>, tenantId: string, principalId: string): Promise<SignInBaseline> {
      const meta = await db
        .selectFrom('baseline_meta')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .executeTakeFirst();
      if (!meta) return createSignInBaseline();
      const rows = await db
        .selectFrom('baseline_values')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .execute();
      return baselineFromRows(
        rows.map((r) => ({
          property: r.property,
          value: r.value,
          firstSeen: r.first_seen,
          lastSeen: r.last_seen,
          count: Number(r.count),
        })),
        {
          firstSignInAt: meta.first_sign_in_at,
          lastSignInAt: meta.last_sign_in_at,
          successfulSignIns: Number(meta.successful_sign_ins),
        },
      );
    },
    /** Replaces the principal's stored baseline with `baseline`. */
    async save(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
      baseline: SignInBaseline,
    ): Promise<void> {
      await db
        .deleteFrom('baseline_values')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .execute();
      const values: unknown[] = [];
      for (const r of baselineToRows(baseline)) {
        values.push(tenantId, principalId, r.property, r.value, r.firstSeen, r.lastSeen, r.count);
      }
      await store.capabilities.insertIgnore(
        db,
        'baseline_values',
        COLUMNS,
        ['tenant_id', 'principal_id', 'property', 'value'],
        values,
      );
      const meta = {
        first_sign_in_at: baseline.firstSignInAt,
        last_sign_in_at: baseline.lastSignInAt,
        successful_sign_ins: baseline.successfulSignIns,
      };
      await db
        .insertInto('baseline_meta')
        .values({ tenant_id: tenantId, principal_id: principalId, ...meta })
        .onConflict((oc) => oc.columns(['tenant_id', 'principal_id']).doUpdateSet(meta))
        .execute();
    },
  };
}
