import type { Kysely } from 'kysely';
import { createSignInBaseline, type SignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate, SignInEvaluation } from '../detections/detection.ts';
import { suspiciousSignInsDetection } from '../detections/suspicious-sign-ins/index.ts';
import {
  type ThreatIntelContext,
  threatIntelligenceDetection,
} from '../detections/threat-intelligence/index.ts';
import type { SignIn } from '../domain/index.ts';
import { createIndicatorSet } from '../enrich/threat-intel/indicator-set.ts';
import type { Store } from '../store/open-store.ts';
import { type BaselineToSave, createBaselineQueries } from '../store/queries/baseline-queries.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { createSignInScanQueries } from '../store/queries/sign-in-scan-queries.ts';
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
  /** Milliseconds spent reading and evaluating sign-ins, and writing what was found. */
  timings: { evaluateMs: number; writeMs: number };
  detections: Record<string, { new: number; updated: number }>;
}

/** One principal of the run: its baseline and its open evaluations. */
interface PrincipalRun {
  tenantId: string;
  principalId: string;
  baseline: SignInBaseline;
  replay: boolean;
  evaluations: SignInEvaluation[];
  candidates: DetectionCandidate[];
}

async function counter(db: Kysely<Database>, name: string): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return r ? Number(r.value) : 0;
}

/**
 * Runs detection over what was ingested since the last run. The watermark is the ingest batch
 * number, which counts in commit order, so a batch that committed late is still seen, exactly once.
 *
 * The new sign-ins are read once, across principals, in event-time order, and each is handed to its
 * principal's open evaluations; so every principal's sign-ins are evaluated in event-time order with
 * nothing but baselines held in memory. A principal whose new records are older than what its
 * baseline has learned (they arrived late) is replayed from an empty baseline over its whole history,
 * so the outcome is the same as if every record had arrived in order. Detection ids come from dedupe
 * keys: running again over the same data changes nothing.
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
    timings: { evaluateMs: 0, writeMs: 0 },
    detections: {},
  };
  if (to <= from) return result;
  const started = performance.now();

  const indicators = await createIndicatorQueries(store).all();
  const intel = indicators.length > 0 ? createIndicatorSet(indicators) : null;
  const intelContext: ThreatIntelContext | null =
    intel === null ? null : { match: (ip: string, at: string) => intel.match(ip, at) };

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

  // Baselines of every principal with new sign-ins, loaded a tenant at a time.
  const baselines = createBaselineQueries(store);
  const byTenant = new Map<string, Map<string, PrincipalRun>>();
  const tenantIds = [...new Set(arrivals.map((a) => a.tenant_id))];
  let scanFrom: string | null = null;
  let scanTo: string | null = null;
  for (const tenantId of tenantIds) {
    const ids = arrivals.filter((a) => a.tenant_id === tenantId).map((a) => a.service_principal_id);
    const loaded = await baselines.loadMany(store.db, tenantId, ids);
    const runs = new Map<string, PrincipalRun>();
    for (const a of arrivals) {
      if (a.tenant_id !== tenantId) continue;
      const first = String(a.first);
      const last = String(a.last);
      let baseline = loaded.get(a.service_principal_id)!;
      const replay = baseline.lastSignInAt !== null && first <= baseline.lastSignInAt;
      if (replay) baseline = createSignInBaseline();
      else {
        if (scanFrom === null || first < scanFrom) scanFrom = first;
        if (scanTo === null || last > scanTo) scanTo = last;
      }
      const run: PrincipalRun = {
        tenantId,
        principalId: a.service_principal_id,
        baseline,
        replay,
        evaluations: [],
        candidates: [],
      };
      open(run, intelContext);
      runs.set(a.service_principal_id, run);
    }
    byTenant.set(tenantId, runs);
  }

  // One pass over the new sign-ins of principals evaluated incrementally.
  const scans = createSignInScanQueries(store);
  const feed = (s: SignIn) => {
    const run = byTenant.get(s.tenantId)?.get(s.servicePrincipalId);
    if (run === undefined || run.replay) return;
    for (const e of run.evaluations) e.add(s);
  };
  if (scanFrom !== null && scanTo !== null) {
    result.signIns += await scans.newInRange(
      { fromBatch: from, toBatch: to, from: scanFrom, to: scanTo },
      feed,
    );
  }
  // Replays: each such principal's whole history, alone.
  for (const runs of byTenant.values()) {
    for (const run of runs.values()) {
      if (!run.replay) continue;
      result.replayed++;
      result.signIns += await scans.historyOf(run.tenantId, run.principalId, to, (s) => {
        for (const e of run.evaluations) e.add(s);
      });
    }
  }
  const toSave: BaselineToSave[] = [];
  for (const runs of byTenant.values()) {
    for (const run of runs.values()) {
      for (const e of run.evaluations) run.candidates.push(...e.finish());
      toSave.push({
        tenantId: run.tenantId,
        principalId: run.principalId,
        baseline: run.baseline,
        replace: run.replay,
      });
    }
  }
  result.principals = toSave.length;
  const evaluated = performance.now();
  result.timings.evaluateMs = Math.round(evaluated - started);

  // Baselines, detections, risk and the watermark move together: a run that fails writes nothing.
  const risk = createRiskQueries(store);
  await risk.transaction(async (trx) => {
    await baselines.saveMany(trx, toSave);
    for (const runs of byTenant.values()) {
      for (const run of runs.values()) {
        if (run.candidates.length === 0) continue;
        const fresh = await recordDetections(trx, risk, run.tenantId, run.principalId, run.candidates, now);
        run.candidates.forEach((c, i) => {
          result.detections[c.riskEventType] ??= { new: 0, updated: 0 };
          result.detections[c.riskEventType]![fresh[i] ? 'new' : 'updated']++;
        });
      }
    }
    await trx
      .insertInto('counters')
      .values({ name: WATERMARK, value: to })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: to }))
      .execute();
  });
  result.timings.writeMs = Math.round(performance.now() - evaluated);
  return result;
}

/** Opens the sign-in detections for one principal. */
function open(run: PrincipalRun, intelContext: ThreatIntelContext | null): void {
  run.evaluations.push(
    suspiciousSignInsDetection.open(
      run,
      { baseline: run.baseline },
      suspiciousSignInsDetection.defaultParameters,
    ),
  );
  if (intelContext !== null) {
    run.evaluations.push(
      threatIntelligenceDetection.open(run, intelContext, threatIntelligenceDetection.defaultParameters),
    );
  }
}
