import type { Kysely } from 'kysely';
import type { SignInSignal } from '../baselines/risk-weights.ts';
import { createSignInBaseline, type SignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate, SignInEvaluation } from '../detections/detection.ts';
import { riskEventTypes } from '../detections/index.ts';
import { offensiveToolsDetection } from '../detections/offensive-tools/index.ts';
import { removedCredentialUseDetection } from '../detections/removed-credential-use/index.ts';
import { type RelatedChange, suspiciousSignInsDetection } from '../detections/suspicious-sign-ins/index.ts';
import {
  type ThreatIntelContext,
  threatIntelligenceDetection,
} from '../detections/threat-intelligence/index.ts';
import {
  type CredentialUse,
  credentialUsedFromNewNetwork,
  DEFAULT_CREDENTIAL_USE_PARAMETERS,
} from '../detections/unusual-credential-addition/credential-used-from-new-network.ts';
import type { AssessedAddition, SignIn } from '../domain/index.ts';
import { createIndicatorSet } from '../enrich/threat-intel/indicator-set.ts';
import type { Store } from '../store/open-store.ts';
import { type BaselineToSave, createBaselineQueries } from '../store/queries/baseline-queries.ts';
import { createCredentialAdditionQueries } from '../store/queries/credential-addition-queries.ts';
import { createCredentialHistoryQueries } from '../store/queries/credential-history-queries.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createInventoryQueries, type RemovedCredentialRow } from '../store/queries/inventory-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { createSignInScanQueries } from '../store/queries/sign-in-scan-queries.ts';
import type { Database } from '../store/schema.ts';
import { detectCredentialAdditions, privilegeOf } from './credential-addition-detection.ts';
import { detectPasswordSpray } from './password-spray-detection.ts';
import { recordDetections } from './record-detections.ts';

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
  /** Credential additions of the principal that may bear on its new sign-ins. */
  additions: AssessedAddition[];
  /** Sign-ins from a new network, per added credential they used. */
  uses: Map<string, CredentialUse[]>;
  /** Credentials of the principal and its application that were removed. */
  removed: RemovedCredentialRow[];
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
  for (const type of riskEventTypes) result.detections[type] = { new: 0, updated: 0 };
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
  const baselines = createBaselineQueries();
  const inventory = createInventoryQueries(store);
  const byTenant = new Map<string, Map<string, PrincipalRun>>();
  const tenantIds = [...new Set(arrivals.map((a) => a.tenant_id))];
  let scanFrom: string | null = null;
  let scanTo: string | null = null;
  for (const tenantId of tenantIds) {
    const ids = arrivals.filter((a) => a.tenant_id === tenantId).map((a) => a.service_principal_id);
    const loaded = await baselines.loadMany(store.db, tenantId, ids);
    const removedByPrincipal = await inventory.removedCredentialsByPrincipal(tenantId);
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
      runs.set(a.service_principal_id, {
        tenantId,
        principalId: a.service_principal_id,
        baseline,
        replay,
        additions: [],
        uses: new Map(),
        removed: removedByPrincipal.get(a.service_principal_id) ?? [],
        evaluations: [],
        candidates: [],
      });
    }
    byTenant.set(tenantId, runs);
  }

  // Credential additions: those of this run's audit events are assessed now; with the ones stored by
  // earlier runs, they tell suspicious sign-ins what changed shortly before, and which sign-ins are a
  // new credential's first uses.
  const credentialRun = await detectCredentialAdditions(store, { fromBatch: from, toBatch: to }, now);
  const additionQueries = createCredentialAdditionQueries(store);
  for (const [tenantId, runs] of byTenant) {
    const all = [...runs.values()];
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
    for (const run of all) {
      const seen = new Set<string>();
      for (const a of [
        ...(stored.get(run.principalId) ?? []),
        ...(credentialRun.additions.get(`${tenantId}|${run.principalId}`) ?? []),
      ]) {
        if (seen.has(`${a.auditId}|${a.keyId}`)) continue;
        seen.add(`${a.auditId}|${a.keyId}`);
        run.additions.push(a);
      }
      open(run, intelContext);
    }
  }

  // One pass over the new sign-ins of principals evaluated incrementally. Object ids are unique across
  // tenants in practice, so the principal alone finds its run with one look-up, the tenant checked
  // after; a principal id that several tenants share falls back to the look-up by tenant.
  const scans = createSignInScanQueries(store);
  const byPrincipal = new Map<string, PrincipalRun>();
  for (const runs of byTenant.values()) {
    for (const run of runs.values()) {
      if (!byPrincipal.has(run.principalId)) byPrincipal.set(run.principalId, run);
    }
  }
  const feed = (s: SignIn) => {
    let run = byPrincipal.get(s.servicePrincipalId);
    if (run !== undefined && run.tenantId !== s.tenantId)
      run = byTenant.get(s.tenantId)?.get(s.servicePrincipalId);
    if (run === undefined || run.replay) return;
    const evaluations = run.evaluations;
    for (let i = 0; i < evaluations.length; i++) evaluations[i]!.add(s);
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
      for (const a of run.additions) {
        const uses = run.uses.get(a.keyId.toLowerCase());
        const used = uses === undefined ? null : credentialUsedFromNewNetwork(a, uses);
        if (used !== null) run.candidates.push(used);
      }
      toSave.push({
        tenantId: run.tenantId,
        principalId: run.principalId,
        baseline: run.baseline,
        replace: run.replay,
      });
    }
  }
  result.principals = toSave.length;
  await fillSignInDetails(scans, byTenant);
  const evaluated = performance.now();
  result.timings.evaluateMs = Math.round(evaluated - started);

  // Baselines, detections, risk and the watermark move together: a run that fails writes nothing.
  // Findings across principals: password spray reads every principal's failures from one address.
  // Those and credential additions may concern principals with no new sign-ins of their own.
  const found: { tenantId: string; principalId: string; candidates: DetectionCandidate[] }[] = [];
  for (const runs of byTenant.values()) for (const run of runs.values()) found.push(run);
  const others = new Map<
    string,
    { tenantId: string; principalId: string; candidates: DetectionCandidate[] }
  >();
  const sprayed = await detectPasswordSpray(store, { fromBatch: from, toBatch: to });
  for (const [key, candidates] of [...credentialRun.byPrincipal, ...sprayed]) {
    const [tenantId, principalId] = key.split('|') as [string, string];
    const run = byTenant.get(tenantId)?.get(principalId);
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
    for (const f of found) {
      if (f.candidates.length === 0) continue;
      const fresh = await recordDetections(trx, risk, f.tenantId, f.principalId, f.candidates, now, {
        privileged: privileged.has(f),
      });
      f.candidates.forEach((c, i) => {
        result.detections[c.riskEventType] ??= { new: 0, updated: 0 };
        result.detections[c.riskEventType]![fresh[i] ? 'new' : 'updated']++;
      });
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
  const changes: RelatedChange[] = run.additions.map((a) => ({
    at: a.at,
    kind: 'credentialAdded',
    keyId: a.keyId,
    actor: a.actorName,
    auditId: a.auditId,
    activity: a.activity,
    authorised: a.routine,
  }));
  const windowMs = DEFAULT_CREDENTIAL_USE_PARAMETERS.windowDays * DAY_MS;
  const added = new Map(run.additions.map((a) => [a.keyId.toLowerCase(), Date.parse(a.at)]));
  const onUnusual =
    added.size === 0
      ? undefined
      : (s: SignIn, signals: readonly SignInSignal[]) => {
          const keyId = (s.credentialKeyId ?? s.federatedCredentialId)?.toLowerCase();
          const at = keyId === undefined ? undefined : added.get(keyId);
          if (keyId === undefined || at === undefined) return;
          const since = Date.parse(s.createdAt) - at;
          if (since < 0 || since > windowMs) return;
          const list = run.uses.get(keyId);
          if (list) list.push({ signIn: s, signals });
          else run.uses.set(keyId, [{ signIn: s, signals }]);
        };
  run.evaluations.push(
    suspiciousSignInsDetection.open(
      run,
      { baseline: run.baseline, changes, ...(onUnusual ? { onUnusual } : {}) },
      suspiciousSignInsDetection.defaultParameters,
    ),
  );
  if (intelContext !== null) {
    run.evaluations.push(
      threatIntelligenceDetection.open(run, intelContext, threatIntelligenceDetection.defaultParameters),
    );
  }
  run.evaluations.push(
    offensiveToolsDetection.open(run, undefined, offensiveToolsDetection.defaultParameters),
  );
  if (run.removed.length > 0) {
    run.evaluations.push(
      removedCredentialUseDetection.open(
        run,
        { removed: run.removed },
        removedCredentialUseDetection.defaultParameters,
      ),
    );
  }
}

/**
 * Sign-ins are scanned without the details only detections show (city, state, request and
 * correlation ids); the first sign-in of each finding gets them from the store.
 */
async function fillSignInDetails(
  scans: ReturnType<typeof createSignInScanQueries>,
  byTenant: Map<string, Map<string, PrincipalRun>>,
): Promise<void> {
  for (const [tenantId, runs] of byTenant) {
    const wanted: DetectionCandidate[] = [];
    for (const run of runs.values()) for (const c of run.candidates) if (c.firstSignIn) wanted.push(c);
    if (wanted.length === 0) continue;
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
