import type { Kysely } from 'kysely';
import type { Store } from '../open-store.ts';
import type { Database } from '../schema.ts';

// Values per `in (…)` list when looking codes up.
const CHUNK_VALUES = 500;
// Codes remembered across batches; past this the memory is emptied and refilled from the store.
const REMEMBERED_LIMIT = 200_000;

/**
 * The numbers sign_in_scan rows hold for repeating sign-in text (see migration 0014). Codes never
 * change, so those of committed batches are remembered and most batches ask the store nothing. Ingest
 * looks up the rest inside its transaction, after taking the batch number: that update holds the
 * counter row until commit, so writers create codes one at a time and `max(code) + 1` is free.
 */
export function createSignInValueCodes(store: Store) {
  const remembered = new Map<string, number>();
  return {
    /** The code of a value a committed batch stored, when this process has seen it. */
    known(value: string): number | undefined {
      return remembered.get(value);
    },
    /**
     * Codes for values not known yet, those missing created. `remember` is for after the transaction
     * committed: a rolled-back batch's new codes were never stored.
     */
    async lookUp(
      trx: Kysely<Database>,
      values: ReadonlySet<string>,
    ): Promise<{ codes: Map<string, number>; remember(): void }> {
      const codes = new Map<string, number>();
      const wanted = [...values];
      for (let i = 0; i < wanted.length; i += CHUNK_VALUES) {
        const rows = await trx
          .selectFrom('sign_in_values')
          .select(['code', 'value'])
          .where('value', 'in', wanted.slice(i, i + CHUNK_VALUES))
          .execute();
        for (const r of rows) codes.set(r.value, Number(r.code));
      }
      const missing = wanted.filter((v) => !codes.has(v));
      if (missing.length > 0) {
        const top = await trx
          .selectFrom('sign_in_values')
          .select((eb) => eb.fn.max('code').as('top'))
          .executeTakeFirst();
        let next = Number(top?.top ?? 0) + 1;
        const flat: unknown[] = [];
        for (const v of missing) {
          codes.set(v, next);
          flat.push(next, v);
          next++;
        }
        await store.capabilities.insertIgnore(trx, 'sign_in_values', ['code', 'value'], ['value'], flat);
      }
      return {
        codes,
        remember() {
          if (remembered.size + codes.size > REMEMBERED_LIMIT) remembered.clear();
          for (const [v, c] of codes) remembered.set(v, c);
        },
      };
    },
  };
}

/** Every value by its code, for reading scan rows. */
export async function loadSignInValues(db: Kysely<Database>): Promise<string[]> {
  const out: string[] = [];
  const rows = await db.selectFrom('sign_in_values').select(['code', 'value']).execute();
  for (const r of rows) out[Number(r.code)] = r.value;
  return out;
}
