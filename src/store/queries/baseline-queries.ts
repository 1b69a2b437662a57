import type { Kysely } from 'kysely';
import { baselineFromRows } from '../../baselines/baseline-rows.ts';
import {
  baselineChanges,
  createSignInBaseline,
  markBaselineSaved,
  type SignInBaseline,
} from '../../baselines/sign-in-baseline.ts';
import type { Store } from '../open-store.ts';
import type { Database } from '../schema.ts';

// Meta rows per multi-row statement: 5 bound values each stays far below either dialect's parameter cap.
const CHUNK_ROWS = 1000;
// Baseline values handed to the store's bulk upsert at once.
const CHUNK_VALUES = 10_000;
const VALUE_COLUMNS = [
  'tenant_id',
  'principal_id',
  'property',
  'value',
  'first_seen',
  'last_seen',
  'count',
] as const;
// Principals per `in (…)` list when loading many baselines.
const CHUNK_PRINCIPALS = 500;

/** A principal's baseline to save; `replace` drops what the store held first (a replayed history). */
export interface BaselineToSave {
  tenantId: string;
  principalId: string;
  baseline: SignInBaseline;
  replace: boolean;
}

/** Loads and saves principals' sign-in baselines. */
export function createBaselineQueries(store: Store) {
  return {
    /** The baselines of many principals of one tenant at once; principals without one get an empty one. */
    async loadMany(
      db: Kysely<Database>,
      tenantId: string,
      principalIds: readonly string[],
    ): Promise<Map<string, SignInBaseline>> {
      const out = new Map<string, SignInBaseline>();
      for (let i = 0; i < principalIds.length; i += CHUNK_PRINCIPALS) {
        const ids = principalIds.slice(i, i + CHUNK_PRINCIPALS);
        const metas = await db
          .selectFrom('baseline_meta')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('principal_id', 'in', ids)
          .execute();
        const rows = await db
          .selectFrom('baseline_values')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('principal_id', 'in', ids)
          .execute();
        const byPrincipal = new Map<string, typeof rows>();
        for (const r of rows) {
          let list = byPrincipal.get(r.principal_id);
          if (list === undefined) {
            list = [];
            byPrincipal.set(r.principal_id, list);
          }
          list.push(r);
        }
        for (const meta of metas) {
          out.set(
            meta.principal_id,
            baselineFromRows(
              (byPrincipal.get(meta.principal_id) ?? []).map((r) => ({
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
            ),
          );
        }
      }
      for (const id of principalIds) if (!out.has(id)) out.set(id, createSignInBaseline());
      return out;
    },
    /**
     * Writes what each baseline learned and forgot since it was loaded or last saved: changed values
     * are upserted, aged-out ones deleted, totals replaced. Incremental, so a run over a day of
     * sign-ins writes the values that day touched.
     */
    async saveMany(db: Kysely<Database>, baselines: readonly BaselineToSave[]): Promise<void> {
      let pending: unknown[] = [];
      const metas: Database['baseline_meta'][] = [];
      const flush = async () => {
        if (pending.length === 0) return;
        await store.capabilities.upsertRows(
          db,
          'baseline_values',
          VALUE_COLUMNS,
          ['tenant_id', 'principal_id', 'property', 'value'],
          ['first_seen', 'last_seen', 'count'],
          pending,
        );
        pending = [];
      };
      for (const { tenantId, principalId, baseline, replace } of baselines) {
        const changes = baselineChanges(baseline);
        if (replace) {
          await db
            .deleteFrom('baseline_values')
            .where('tenant_id', '=', tenantId)
            .where('principal_id', '=', principalId)
            .execute();
        } else {
          for (const r of changes.removals) {
            await db
              .deleteFrom('baseline_values')
              .where('tenant_id', '=', tenantId)
              .where('principal_id', '=', principalId)
              .where('property', '=', r.property)
              .where('value', '=', r.value)
              .execute();
          }
        }
        for (const u of changes.upserts) {
          const v = u.value;
          pending.push(tenantId, principalId, u.property, v.value, v.firstSeen, v.lastSeen, v.count);
          if (pending.length >= CHUNK_VALUES * VALUE_COLUMNS.length) await flush();
        }
        metas.push({
          tenant_id: tenantId,
          principal_id: principalId,
          first_sign_in_at: baseline.firstSignInAt,
          last_sign_in_at: baseline.lastSignInAt,
          successful_sign_ins: baseline.successfulSignIns,
        });
        markBaselineSaved(baseline);
      }
      await flush();
      for (let i = 0; i < metas.length; i += CHUNK_ROWS) {
        await db
          .insertInto('baseline_meta')
          .values(metas.slice(i, i + CHUNK_ROWS))
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'principal_id']).doUpdateSet((eb) => ({
              first_sign_in_at: eb.ref('excluded.first_sign_in_at'),
              last_sign_in_at: eb.ref('excluded.last_sign_in_at'),
              successful_sign_ins: eb.ref('excluded.successful_sign_ins'),
            })),
          )
          .execute();
      }
    },
  };
}
