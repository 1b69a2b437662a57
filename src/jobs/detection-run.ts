import type { Kysely } from 'kysely';
import { createSignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate } from '../detections/detection.ts';
import { riskEventTypes } from '../detections/index.ts';
import { suspiciousSignInsDetection } from '../detections/suspicious-sign-ins/index.ts';
import { DEFAULT_CREDENTIAL_USE_PARAMETERS } from '../detections/unusual-credential-addition/credential-used-from-new-network.ts';
import type { AssessedAddition } from '../domain/index.ts';
import type { Store } from '../store/open-store.ts';
import { type BaselineToSave, createBaselineQueries } from '../store/queries/baseline-queries.ts';
import { createCredentialAdditionQueries } from '../store/queries/credential-addition-queries.ts';
import { createCredentialHistoryQueries } from '../store/queries/credential-history-queries.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createInventoryQueries } from '../store/queries/inventory-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { createSignInScanQueries } from '../store/queries/sign-in-scan-queries.ts';
import type { Database } from '../store/schema.ts';
import { detectCredentialAdditions, privilegeOf } from './credential-addition-detection.ts';
import { detectPasswordSpray } from './password-spray-detection.ts';
import {
  feedPrincipalRun,
  finishPrincipalRun,
  openPrincipalRun,
  type PrincipalInput,
  type PrincipalRun,
  scanPrincipalRuns,
  threatIntelContext,
} from './principal-evaluation.ts';
import { recordFindings } from './record-detections.ts';
import {
  type ScanWorkerOptions,
  type ScanWorkers,
  scanWorkerCount,
  shardPrincipals,
  startScanWorkers,
} from './sign-in-scan-workers.ts';

const WATERMARK = 'detect_watermark';
const DAY_MS = 86_400_000;
/** Changes this long before a principal's new sign-ins can bear on them (change awareness, first use). */
const CHANGE_LOOKBACK_MS = Math.max(
  suspiciousSignInsDetection.defaultParameters.changeAwarenessHours * 3_600_000,
  DEFAULT_CREDENTIAL_USE_PARAMETERS.windowDays * DAY_MS,
);
const BEGINNING = '0000-01-01T00:00:00.000Z';
const END = '9999-12-31T23:59:59.999Z';

/** What one run looked at and what it raised, per detection type. */
export interface DetectionRunResult {
  /** Ingest batches covered: after `from`, up to and including `to`. */
  fromBatch: number;
  toBatch: number;
  principals: number;
  signIns: number;
  /** Principals whose history was replayed because records arrived out of event-time order. */
  replayed: number;
  /** Worker threads the scan was spread over; 0 when it ran on the calling thread. */
  scanWorkers: number;
  /** Milliseconds spent reading and evaluating sign-ins, and writing what was found. */
  timings: { evaluateMs: number; writeMs: number };
  detections: Record<string, { new: number; updated: number }>;
}

async function counter(db: Kysely<Database>, name: string): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return r ? Number(r.value) : 0;
}

/**
 * Runs detection over what was ingested since the last run. The watermark is the ingest batch
 * number, which counts in commit order, so a batch that committed late is still seen, exactly once.
 *
 * The new sign-ins are read once, in event-time order, and each is handed to its principal's open
 * evaluations; so every principal's sign-ins are evaluated in event-time order with nothing but
 * baselines held in memory. A large run shares the principals among scan workers (`options`), each
 * reading its share on its own connection; principals are independent, so the result is the same.
 * A principal whose new records are older than what its baseline has learned (they arrived late) is
 * replayed from an empty baseline over its whole history, so the outcome is the same as if every
 * record had arrived in order. Detection ids come from dedupe
 * keys: running again over the same data changes nothing.
 */
export async function runDetections(
  store: Store,
  now: string,
  options: ScanWorkerOptions = {},
): Promise<DetectionRunResult> {
  const from = await counter(store.db, WATERMARK);
  const to = await counter(store.db, 'ingest_batch');
  const result: DetectionRunResult = {
    fromBatch: from,
    toBatch: to,
    principals: 0,
    signIns: 0,
    replayed: 0,
    scanWorkers: 0,
    timings: { evaluateMs: 0, writeMs: 0 },
    detections: {},
  };
  for (const type of riskEventTypes) result.detections[type] = { new: 0, updated: 0 };
  if (to <= from) return result;
  const started = performance.now();

  // Scan workers, once the run knows how many new sign-ins it has; stopped however the run ends.
  const pool: { workers: ScanWorkers | null } = { workers: null };
  try {
    return await detect(store, now, from, to, result, started, (signIns) => {
      const count = scanWorkerCount(store, signIns, options);
      pool.workers = count > 0 ? startScanWorkers(store, count) : null;
      return pool.workers;
    });
  } finally {
    await pool.workers?.close();
  }
}

/** The run itself; `startWorkers` is called once the number of new sign-ins is known. */
async function detect(
  store: Store,
  now: string,
  from: number,
  to: number,
  result: DetectionRunResult,
  started: number,
  startWorkers: (signIns: number) => ScanWorkers | null,
): Promise<DetectionRunResult> {
  const indicators = await createIndicatorQueries(store).all();

  const arrivals = await store.db
    .selectFrom('sign_in_arrivals')
    .select((eb) => [
      'tenant_id',
      'service_principal_id',
      eb.fn.min('first_created_at').as('first'),
      eb.fn.max('last_created_at').as('last'),
      eb.fn.sum<number>('count').as('count'),
    ])
    .where('ingest_batch', '>', from)
    .where('ingest_batch', '<=', to)
    .groupBy(['tenant_id', 'service_principal_id'])
    .orderBy('tenant_id')
    .orderBy('service_principal_id')
    .execute();

  // What password spray must look around: the principals' spans hold every new sign-in.
  const arrivalSpans = arrivals.map((a) => ({ from: String(a.first), to: String(a.last) }));

  // A large run spreads its scan over worker threads, started now so that they load while this thread
  // works out the baselines and the credential changes around the new sign-ins.
  const workers = startWorkers(arrivals.reduce((n, a) => n + Number(a.count), 0));

  // Baselines of every principal with new sign-ins, loaded a tenant at a time.
  const baselines = createBaselineQueries(store);
  const inventory = createInventoryQueries(store);
  const byTenant = new Map<string, Map<string, PrincipalInput>>();
  const newSignIns = new Map<PrincipalInput, number>();
  const tenantIds = [...new Set(arrivals.map((a) => a.tenant_id))];
  let scanFrom: string | null = null;
  let scanTo: string | null = null;
  for (const tenantId of tenantIds) {
    const ids = arrivals.filter((a) => a.tenant_id === tenantId).map((a) => a.service_principal_id);
    const loaded = await baselines.loadMany(store.db, tenantId, ids);
    const removedByPrincipal = await inventory.removedCredentialsByPrincipal(tenantId);
    const inputs = new Map<string, PrincipalInput>();
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
      const input: PrincipalInput = {
        tenantId,
        principalId: a.service_principal_id,
        baseline,
        replay,
        additions: [],
        removed: removedByPrincipal.get(a.service_principal_id) ?? [],
      };
      inputs.set(a.service_principal_id, input);
      newSignIns.set(input, Number(a.count));
    }
    byTenant.set(tenantId, inputs);
  }

  // Credential additions: those of this run's audit events are assessed now; with the ones stored by
  // earlier runs, they tell suspicious sign-ins what changed shortly before, and which sign-ins are a
  // new credential's first uses.
  const credentialRun = await detectCredentialAdditions(store, { fromBatch: from, toBatch: to }, now);
  const additionQueries = createCredentialAdditionQueries(store);
  for (const [tenantId, inputs] of byTenant) {
    const all = [...inputs.values()];
    const incremental = all.filter((r) => !r.replay).map((r) => r.principalId);
    const replayed = all.filter((r) => r.replay).map((r) => r.principalId);
    const stored = new Map<string, AssessedAddition[]>();
    if (incremental.length > 0 && scanFrom !== null && scanTo !== null) {
      const since = new Date(Date.parse(scanFrom) - CHANGE_LOOKBACK_MS).toISOString();
      for (const [k, v] of await additionQueries.of(tenantId, incremental, since, scanTo)) stored.set(k, v);
    }
    if (replayed.length > 0) {
      for (const [k, v] of await additionQueries.of(tenantId, replayed, BEGINNING, END)) stored.set(k, v);
    }
    for (const input of all) {
      const seen = new Set<string>();
      for (const a of [
        ...(stored.get(input.principalId) ?? []),
        ...(credentialRun.additions.get(`${tenantId}|${input.principalId}`) ?? []),
      ]) {
        if (seen.has(`${a.auditId}|${a.keyId}`)) continue;
        seen.add(`${a.auditId}|${a.keyId}`);
        input.additions.push(a);
      }
    }
  }

  // One pass over the new sign-ins of principals evaluated incrementally: on worker threads, each
  // with a share of the principals, when there are enough; on this thread otherwise.
  const incremental: PrincipalInput[] = [];
  const replays: PrincipalInput[] = [];
  for (const inputs of byTenant.values()) {
    for (const input of inputs.values()) (input.replay ? replays : incremental).push(input);
  }
  // Password spray needs only the batch range and the arrivals' spans: it runs while scan workers read,
  // after the scan otherwise.
  let spray: ReturnType<typeof detectPasswordSpray> | null = null;
  const intel = threatIntelContext(indicators);
  let runs: PrincipalRun[] = [];
  if (scanFrom !== null && scanTo !== null) {
    const range = { fromBatch: from, toBatch: to, from: scanFrom, to: scanTo };
    if (workers !== null) {
      spray = detectPasswordSpray(store, { fromBatch: from, toBatch: to }, { arrivals: arrivalSpans });
      const shards = shardPrincipals(incremental, (i) => newSignIns.get(i) ?? 0, workers.count);
      const scanned = await workers.scan(shards, range, indicators);
      result.scanWorkers = shards.length;
      runs = scanned.runs;
      result.signIns += scanned.signIns;
    } else {
      runs = incremental.map((input) => openPrincipalRun(input, intel));
      result.signIns += await scanPrincipalRuns(store, runs, range);
      for (const run of runs) finishPrincipalRun(run);
    }
  }
  // Replays: each such principal's whole history, alone.
  const scans = createSignInScanQueries(store);
  for (const input of replays) {
    const run = openPrincipalRun(input, intel);
    result.replayed++;
    result.signIns += await scans.historyOf(run.tenantId, run.principalId, to, (s) =>
      feedPrincipalRun(run, s),
    );
    finishPrincipalRun(run);
    runs.push(run);
  }
  const byKey = new Map<string, PrincipalRun>();
  const toSave: BaselineToSave[] = [];
  for (const run of runs) {
    byKey.set(`${run.tenantId}|${run.principalId}`, run);
    toSave.push({
      tenantId: run.tenantId,
      principalId: run.principalId,
      baseline: run.baseline,
      replace: run.replay,
    });
  }
  result.principals = toSave.length;
  await fillSignInDetails(scans, runs);
  const evaluated = performance.now();
  result.timings.evaluateMs = Math.round(evaluated - started);

  // Baselines, detections, risk and the watermark move together: a run that fails writes nothing.
  // Findings across principals: password spray reads every principal's failures from one address.
  // Those and credential additions may concern principals with no new sign-ins of their own.
  const found: { tenantId: string; principalId: string; candidates: DetectionCandidate[] }[] = [...runs];
  const others = new Map<
    string,
    { tenantId: string; principalId: string; candidates: DetectionCandidate[] }
  >();
  const sprayed = await (spray ??
    detectPasswordSpray(store, { fromBatch: from, toBatch: to }, { arrivals: arrivalSpans }));
  for (const [key, candidates] of [...credentialRun.byPrincipal, ...sprayed]) {
    const [tenantId, principalId] = key.split('|') as [string, string];
    const run = byKey.get(key);
    if (run !== undefined) {
      run.candidates.push(...candidates);
      continue;
    }
    const other = others.get(key);
    if (other) other.candidates.push(...candidates);
    else others.set(key, { tenantId, principalId, candidates: [...candidates] });
  }
  found.push(...others.values());
  // Privilege matters only where the evidence does (see nextRisk), so only those principals are looked up.
  const privileged = new Set<(typeof found)[number]>();
  for (const f of found) {
    if (!f.candidates.some((c) => c.riskLevel !== 'low')) continue;
    const privilege = await privilegeOf(store, f.tenantId, f.principalId, now);
    if (!privilege.privileged) continue;
    privileged.add(f);
    for (const c of f.candidates) {
      if (c.riskLevel === 'low' || c.riskEventType === 'unusualCredentialAddition') continue;
      c.additionalInfo.push({
        Key: 'privilege',
        Value: {
          permissions: privilege.permissions,
          roles: privilege.roles,
          effect:
            'The principal holds sensitive permissions or a directory role: its risk is raised one level.',
        },
      });
    }
  }

  const risk = createRiskQueries(store);
  await risk.transaction(async (trx) => {
    await baselines.saveMany(trx, toSave);
    await additionQueries.save(trx, [...credentialRun.additions.values()].flat());
    await createCredentialHistoryQueries(store).updateUnplaced(
      trx,
      credentialRun.unplaced.add,
      credentialRun.unplaced.remove,
    );
    const recorded = found.filter((f) => f.candidates.length > 0);
    const fresh = await recordFindings(
      trx,
      risk,
      recorded.map((f) => ({ ...f, privileged: privileged.has(f) })),
      now,
    );
    recorded.forEach((f, i) => {
      f.candidates.forEach((c, j) => {
        result.detections[c.riskEventType] ??= { new: 0, updated: 0 };
        result.detections[c.riskEventType]![fresh[i]![j] ? 'new' : 'updated']++;
      });
    });
    await trx
      .insertInto('counters')
      .values({ name: WATERMARK, value: to })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: to }))
      .execute();
  });
  result.timings.writeMs = Math.round(performance.now() - evaluated);
  return result;
}

/**
 * Sign-ins are scanned without the details only detections show (city, state, request and
 * correlation ids); the first sign-in of each finding gets them from the store.
 */
async function fillSignInDetails(
  scans: ReturnType<typeof createSignInScanQueries>,
  runs: readonly PrincipalRun[],
): Promise<void> {
  const byTenant = new Map<string, DetectionCandidate[]>();
  for (const run of runs) {
    for (const c of run.candidates) {
      if (!c.firstSignIn) continue;
      const list = byTenant.get(run.tenantId);
      if (list) list.push(c);
      else byTenant.set(run.tenantId, [c]);
    }
  }
  for (const [tenantId, wanted] of byTenant) {
    const details = await scans.details(tenantId, [...new Set(wanted.map((c) => c.firstSignIn!.id))]);
    for (const c of wanted) {
      const d = details.get(c.firstSignIn!.id);
      if (d === undefined) continue;
      c.location = { city: d.city, state: d.state, countryOrRegion: d.country };
      if (c.firstSignIn!.single) {
        c.requestId = d.requestId;
        c.correlationId = d.correlationId;
      }
    }
  }
}
