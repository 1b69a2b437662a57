import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Version counters that in-memory state (access decisions, the Graph response cache) polls to learn
 * that something changed, whichever process changed it. Each names the tables it announces:
 * - `risk_version`: `risky_principals` and `risk_history`
 * - `detection_version`: `risk_detections`
 * - `directory_version`: `service_principals`, `applications`, `credentials`
 * - `ingest_batch`: every ingest transaction (`sign_ins`, `directory_audits`), numbered in commit order
 * - `policy_version`: `ca_policies`, `named_locations`
 * - `api_key_version`: revocations in `api_keys` (running servers forget the keys they remember)
 *
 * A bump locks the counter's row until commit (PostgreSQL). Transactions that bump two take them in
 * one order — `detection_version` before `risk_version` (a detection, then the risk it moves), and
 * `ingest_batch` before `directory_version` — so two writers never wait on each other in a cycle.
 */
export const changeCounters = [
  'risk_version',
  'policy_version',
  'detection_version',
  'directory_version',
  'ingest_batch',
  'api_key_version',
] as const;

/** One of the version counters. */
export type ChangeCounter = (typeof changeCounters)[number];

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
    .where('name', 'in', changeCounters)
    .execute();
  const out = Object.fromEntries(changeCounters.map((c) => [c, 0])) as Record<ChangeCounter, number>;
  for (const r of rows) out[r.name as ChangeCounter] = Number(r.value);
  return out;
}
