import type { Kysely } from 'kysely';
import { createSignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate } from '../detections/detection.ts';
import { suspiciousSignInsDetection } from '../detections/suspicious-sign-ins/index.ts';
import { threatIntelligenceDetection } from '../detections/threat-intelligence/index.ts';
import { createIndicatorSet } from '../enrich/threat-intel/indicator-set.ts';
import type { Store } from '../store/open-store.ts';
import { createBaselineQueries } from '../store/queries/baseline-queries.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { rowToSignIn } from '../store/rows/sign-in-row.ts';
import type { Database } from '../store/schema.ts';
import { recordDetections } from './record-detections.ts';

const WATERMARK = 'detect_watermark';

/** What one run looked at and what it raised, per detection type. */
export interface DetectionRunResult {
  /** Ingest batches covered: after `from`, up to and including `to`. */
  fromBatch: number;
  toBatch: number;
  principals: number;
  signIns: number;
  /** Principals whose history was replayed because records arrived out of event-time order. */
  replayed: number;
  detections: Record<string, { new: number; updated: number }>;
}

async function counter(db: Kysely<Database>, name: string): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return r ? Number(r.value) : 0;
}

/**
 * Runs detection over what was ingested since the last run. The watermark is the ingest batch
 * number, which counts in commit order, so a batch that committed late is still seen, exactly once.
 * Per principal, the new sign-ins are read in event-time order through the arrivals table. Detection
 * ids come from dedupe keys, so running again over the same data changes nothing.
 */
export async function runDetections(store: Store, now: string): Promise<DetectionRunResult> {
  const from = await counter(store.db, WATERMARK);
  const to = await counter(store.db, 'ingest_batch');
  const result: DetectionRunResult = {
    fromBatch: from,
    toBatch: to,
    principals: 0,
    signIns: 0,
    replayed: 0,
    detections: {},
  };
  if (to <= from) return result;

  const indicators = await createIndicatorQueries(store).all();
  const intel = indicators.length > 0 ? createIndicatorSet(indicators) : null;

  const arrivals = await store.db
    .selectFrom('sign_in_arrivals')
    .select((eb) => [
      'tenant_id',
      'service_principal_id',
      eb.fn.min('first_created_at').as('first'),
      eb.fn.max('last_created_at').as('last'),
    ])
    .where('ingest_batch', '>', from)
    .where('ingest_batch', '<=', to)
    .groupBy(['tenant_id', 'service_principal_id'])
    .orderBy('tenant_id')
    .orderBy('service_principal_id')
    .execute();

  const risk = createRiskQueries(store);
  const baselines = createBaselineQueries(store);
  for (const a of arrivals) {
    const rows = await store.db
      .selectFrom('sign_ins')
      .selectAll()
      .where('service_principal_id', '=', a.service_principal_id)
      .where('created_at', '>=', String(a.first))
      .where('created_at', '<=', String(a.last))
      .where('tenant_id', '=', a.tenant_id)
      .where('ingest_batch', '>', from)
      .where('ingest_batch', '<=', to)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    result.principals++;
    result.signIns += rows.length;
    const batch = {
      tenantId: a.tenant_id,
      principalId: a.service_principal_id,
      signIns: rows.map(rowToSignIn),
    };
    const candidates: DetectionCandidate[] = [];

    // Suspicious sign-ins learn in event-time order. Records older than what the baseline has
    // learned arrived late: then the principal's whole history is replayed from an empty baseline,
    // so the outcome is the same as if every record had arrived in order (detection ids repeat).
    let baseline = await baselines.load(store.db, a.tenant_id, a.service_principal_id);
    let history = batch;
    if (baseline.lastSignInAt !== null && String(a.first) <= baseline.lastSignInAt) {
      baseline = createSignInBaseline();
      const all = await store.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('service_principal_id', '=', a.service_principal_id)
        .where('tenant_id', '=', a.tenant_id)
        .where('ingest_batch', '<=', to)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      history = { ...batch, signIns: all.map(rowToSignIn) };
      result.replayed++;
    }
    candidates.push(
      ...suspiciousSignInsDetection.evaluate(
        history,
        { baseline },
        suspiciousSignInsDetection.defaultParameters,
      ),
    );
    if (intel !== null) {
      candidates.push(
        ...threatIntelligenceDetection.evaluate(
          batch,
          { match: (ip, at) => intel.match(ip, at) },
          threatIntelligenceDetection.defaultParameters,
        ),
      );
    }
    await risk.transaction(async (trx) => {
      await baselines.save(trx, a.tenant_id, a.service_principal_id, baseline);
      const fresh = await recordDetections(trx, risk, a.tenant_id, a.service_principal_id, candidates, now);
      candidates.forEach((c, i) => {
        result.detections[c.riskEventType] ??= { new: 0, updated: 0 };
        result.detections[c.riskEventType]![fresh[i] ? 'new' : 'updated']++;
      });
    });
  }
  await store.db
    .insertInto('counters')
    .values({ name: WATERMARK, value: to })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: to }))
    .execute();
  return result;
}
