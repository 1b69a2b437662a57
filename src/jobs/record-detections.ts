import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DetectionCandidate } from '../detections/detection.ts';
import { detectionId } from '../risk/detection-id.ts';
import { nextRisk } from '../risk/next-risk.ts';
import { bumpCounter } from '../store/queries/bump-counter.ts';
import { enqueueExports } from '../store/queries/export-outbox-queries.ts';
import type { createRiskQueries } from '../store/queries/risk-queries.ts';
import type { Database } from '../store/schema.ts';

/** What the caller knows of the principal beyond its detections. */
export interface RecordOptions {
  /** It holds sensitive permissions or a directory role: its risk is raised one level. */
  privileged: boolean;
}

/**
 * Records one principal's detection candidates inside the caller's transaction. A new finding is
 * inserted at risk; a known one (same dedupe key, so same id) gets its explanation and level
 * refreshed (later evidence of the same finding, such as a sprayed principal that then signed in),
 * while a state an analyst set (dismissed, say) stands. When anything was new or changed level, the
 * principal's risk follows, with a history entry. Returns, per candidate, whether it was new.
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
  const fresh: boolean[] = [];
  const newTypes = new Set<string>();
  for (const c of candidates) {
    const id = detectionId(c.dedupeKey);
    const additionalInfo = JSON.stringify(c.additionalInfo);
    const existing = await trx
      .selectFrom('risk_detections')
      .select(['risk_level', 'risk_state', 'additional_info'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (existing) {
      if (existing.additional_info !== additionalInfo || existing.risk_level !== c.riskLevel) {
        await trx
          .updateTable('risk_detections')
          .set({ last_updated_date_time: now, additional_info: additionalInfo, risk_level: c.riskLevel })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        await bumpCounter(trx, 'detection_version');
        await enqueueExports(trx, tenantId, 'ServicePrincipalRiskEvents', [id]);
        if (existing.risk_level !== c.riskLevel && existing.risk_state === 'atRisk')
          newTypes.add(c.riskEventType);
      }
      fresh.push(false);
      continue;
    }
    await risk.upsertDetection(trx, {
      tenant_id: tenantId,
      id,
      principal_id: principalId,
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
    fresh.push(true);
    newTypes.add(c.riskEventType);
  }
  if (newTypes.size > 0) {
    const t = nextRisk(
      await risk.getRisk(trx, tenantId, principalId),
      {
        kind: 'detected',
        detections: await risk.detectionsOf(trx, tenantId, principalId),
        newEventTypes: [...newTypes].sort(),
      },
      { at: now, initiatedBy: null, privileged: options.privileged },
    );
    await risk.putRisk(trx, tenantId, principalId, t.risk);
    if (t.history) await risk.appendHistory(trx, tenantId, principalId, randomUUID(), t.history);
  }
  return fresh;
}
