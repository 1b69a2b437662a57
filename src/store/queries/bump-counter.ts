import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Version counters that caches in other processes poll to learn that something changed. */
export type ChangeCounter = 'risk_version' | 'policy_version';

/**
 * Increments a counter inside the caller's transaction: it commits with the change it announces,
 * so a reader that sees the new number also sees the change.
 */
export async function bumpCounter(db: Kysely<Database>, name: ChangeCounter): Promise<void> {
  await db
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
    .execute();
}

/** The current value of each change counter (0 before the first change). */
export async function readCounters(db: Kysely<Database>): Promise<Record<ChangeCounter, number>> {
  const rows = await db
    .selectFrom('counters')
    .select(['name', 'value'])
    .where('name', 'in', ['risk_version', 'policy_version'])
    .execute();
  const out: Record<ChangeCounter, number> = { risk_version: 0, policy_version: 0 };
  for (const r of rows) out[r.name as ChangeCounter] = Number(r.value);
  return out;
}
