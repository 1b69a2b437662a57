import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DetectionCandidate } from '../detections/detection.ts';
import { detectionId } from '../risk/detection-id.ts';
import { nextRisk } from '../risk/next-risk.ts';
import { bumpCounter } from '../store/queries/bump-counter.ts';
import { enqueueExports } from '../store/queries/export-outbox-queries.ts';
import type { createRiskQueries } from '../store/queries/risk-queries.ts';
import type { Database, RiskDetectionTable } from '../store/schema.ts';

/** What the caller knows of the principal beyond its detections. */
export interface RecordOptions {
  /** It holds sensitive permissions or a directory role: its risk is raised one level. */
  privileged: boolean;
}

/** One principal's detection candidates, to record. */
export interface Finding extends RecordOptions {
  tenantId: string;
  principalId: string;
  candidates: readonly DetectionCandidate[];
}

/**
 * Records one principal's detection candidates inside the caller's transaction (see recordFindings).
 * Returns, per candidate, whether it was new.
 */
export async function recordDetections(
  trx: Kysely<Database>,
  risk: ReturnType<typeof createRiskQueries>,
  tenantId: string,
  principalId: string,
  candidates: readonly DetectionCandidate[],
  now: string,
  options: RecordOptions = { privileged: false },
): Promise<boolean[]> {
  const [fresh] = await recordFindings(trx, risk, [{ tenantId, principalId, candidates, ...options }], now);
  return fresh!;
}

/**
 * Records principals' detection candidates inside the caller's transaction. A new finding is
 * inserted at risk; a known one (same dedupe key, so same id) gets its explanation and level
 * refreshed (later evidence of the same finding, such as a sprayed principal that then signed in),
 * while a state an analyst set (dismissed, say) stands. When anything was new or changed level, the
 * principal's risk follows, with a history entry. Known detections are looked up, new ones written
 * and exports queued a tenant at a time, so a pass that finds thousands costs a few statements per
 * principal at risk, not several per detection. Returns, per finding and candidate, whether it was new.
 */
export async function recordFindings(
  trx: Kysely<Database>,
  risk: ReturnType<typeof createRiskQueries>,
  findings: readonly Finding[],
  now: string,
): Promise<boolean[][]> {
  const fresh = findings.map((f) => f.candidates.map(() => false));
  const newTypes = findings.map(() => new Set<string>());
  const byTenant = new Map<string, number[]>();
  findings.forEach((f, i) => {
    const list = byTenant.get(f.tenantId);
    if (list) list.push(i);
    else byTenant.set(f.tenantId, [i]);
  });
  let anyChanged = false;
  for (const [tenantId, indexes] of byTenant) {
    const ids = indexes.map((i) => findings[i]!.candidates.map((c) => detectionId(c.dedupeKey)));
    const known = await risk.detectionStates(trx, tenantId, [...new Set(ids.flat())]);
    // Rows to insert by id: a key found twice in this call is inserted once and refreshed by the later one.
    const inserts = new Map<string, RiskDetectionTable>();
    const updates: { id: string; additionalInfo: string; riskLevel: string }[] = [];
    indexes.forEach((i, k) => {
      const f = findings[i]!;
      f.candidates.forEach((c, j) => {
        const id = ids[k]![j]!;
        const additionalInfo = JSON.stringify(c.additionalInfo);
        const pending = inserts.get(id);
        if (pending) {
          pending.additional_info = additionalInfo;
          pending.risk_level = c.riskLevel;
          return;
        }
        const existing = known.get(id);
        if (existing) {
          if (existing.additional_info !== additionalInfo || existing.risk_level !== c.riskLevel) {
            updates.push({ id, additionalInfo, riskLevel: c.riskLevel });
            if (existing.risk_level !== c.riskLevel && existing.risk_state === 'atRisk')
              newTypes[i]!.add(c.riskEventType);
          }
          return;
        }
        inserts.set(id, {
          tenant_id: tenantId,
          id,
          principal_id: f.principalId,
          risk_event_type: c.riskEventType,
          risk_level: c.riskLevel,
          risk_state: 'atRisk',
          risk_detail: 'none',
          activity: c.activity,
          activity_date_time: c.activityDateTime,
          detected_date_time: now,
          last_updated_date_time: now,
          ip_address: c.ipAddress,
          location: c.location ? JSON.stringify(c.location) : null,
          key_ids: JSON.stringify(c.keyIds),
          request_id: c.requestId,
          correlation_id: c.correlationId,
          additional_info: additionalInfo,
        });
        fresh[i]![j] = true;
        newTypes[i]!.add(c.riskEventType);
      });
    });
    await risk.insertDetections(trx, [...inserts.values()]);
    for (const u of updates)
      await risk.refreshDetection(trx, tenantId, u.id, u.additionalInfo, u.riskLevel, now);
    const queued = [...inserts.keys(), ...updates.map((u) => u.id)];
    if (queued.length > 0) {
      anyChanged = true;
      await enqueueExports(trx, tenantId, 'ServicePrincipalRiskEvents', queued);
    }
  }
  if (anyChanged) await bumpCounter(trx, 'detection_version');
  for (let i = 0; i < findings.length; i++) {
    if (newTypes[i]!.size === 0) continue;
    const { tenantId, principalId, privileged } = findings[i]!;
    const t = nextRisk(
      await risk.getRisk(trx, tenantId, principalId),
      {
        kind: 'detected',
        detections: await risk.detectionsOf(trx, tenantId, principalId),
        newEventTypes: [...newTypes[i]!].sort(),
      },
      { at: now, initiatedBy: null, privileged },
    );
    await risk.putRisk(trx, tenantId, principalId, t.risk);
    if (t.history) await risk.appendHistory(trx, tenantId, principalId, randomUUID(), t.history);
  }
  return fresh;
}
