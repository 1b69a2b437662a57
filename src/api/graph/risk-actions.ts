import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditActor } from '../../domain/index.ts';
import { ApiError, assertThat } from '../../errors/api-error.ts';
import { type ActionActor, createAdminAudit } from '../../jobs/admin-audit.ts';
import { detectionId } from '../../risk/detection-id.ts';
import { nextRisk, type RiskChange } from '../../risk/next-risk.ts';
import type { Store } from '../../store/open-store.ts';
import { createRiskQueries } from '../../store/queries/risk-queries.ts';
import type { Database } from '../../store/schema.ts';

/** Graph accepts at most 60 service principal ids per confirmCompromised or dismiss request. */
export const MAX_IDS_PER_CALL = 60;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type { ActionActor };

/** Names the audit record of each action: Vigil's own activity names, service and category. */
const ACTIVITY = {
  confirmCompromised: 'Confirm service principal compromised',
  dismiss: 'Dismiss service principal risk',
} as const;

/** What an action did: the principals changed and the ids that name no principal of the tenant. */
export interface ActionResult {
  changed: string[];
  unknown: string[];
}

/** The administrator actions on risky service principals: confirm compromised and dismiss. */
export function createRiskActions(store: Store, now: () => string = () => new Date().toISOString()) {
  const risk = createRiskQueries(store);
  const audit = createAdminAudit(store, now);

  const checkIds = (ids: readonly string[]): string[] => {
    assertThat(ids.length > 0, 'BadRequest', 'servicePrincipalIds must name at least one service principal.');
    assertThat(
      ids.length <= MAX_IDS_PER_CALL,
      'BadRequest',
      `At most ${MAX_IDS_PER_CALL} service principals per request; ${ids.length} were given.`,
    );
    const normalised = ids.map((id) => id.trim().toLowerCase());
    const bad = normalised.filter((id) => !GUID.test(id));
    if (bad.length > 0) throw new ApiError('BadRequest', `Not a service principal id: ${bad.join(', ')}.`);
    return [...new Set(normalised)];
  };

  const known = async (tenantId: string, ids: string[]): Promise<Set<string>> => {
    const rows = await store.db
      .selectFrom('service_principals')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.id));
  };

  const apply = async (
    tenantId: string,
    ids: readonly string[],
    who: ActionActor,
    verb: keyof typeof ACTIVITY,
    change: (trx: Kysely<Database>, principalId: string) => Promise<RiskChange>,
  ): Promise<ActionResult> => {
    const wanted = checkIds(ids);
    const present = await known(tenantId, wanted);
    const changed: string[] = [];
    const actor = who.initiatedBy;
    for (const principalId of wanted) {
      if (!present.has(principalId)) continue;
      const at = now();
      await risk.transaction(async (trx) => {
        const c = await change(trx, principalId);
        if (c.kind === 'confirmCompromised') {
          // Confirming creates the admin-confirmed detection (A4), with the actor in its explanation.
          await risk.upsertDetection(trx, {
            tenant_id: tenantId,
            id: detectionId(`${tenantId}|${principalId}|adminConfirmedServicePrincipalCompromised|${at}`),
            principal_id: principalId,
            risk_event_type: 'adminConfirmedServicePrincipalCompromised',
            risk_level: 'high',
            risk_state: 'confirmedCompromised',
            risk_detail: 'adminConfirmedServicePrincipalCompromised',
            activity: 'servicePrincipal',
            activity_date_time: at,
            detected_date_time: at,
            last_updated_date_time: at,
            ip_address: null,
            location: null,
            key_ids: '[]',
            request_id: null,
            correlation_id: null,
            additional_info: JSON.stringify([
              { Key: 'reason', Value: `Confirmed compromised by ${actor}.` },
              { Key: 'initiatedBy', Value: actor },
            ]),
          });
        }
        const current = await risk.getRisk(trx, tenantId, principalId);
        const t = nextRisk(current, c, { at, initiatedBy: actor, privileged: false });
        if (t.detectionsBecome) {
          await risk.settleDetections(trx, tenantId, principalId, t.detectionsBecome, t.risk.riskDetail, at);
        }
        await risk.putRisk(trx, tenantId, principalId, t.risk);
        if (t.history) await risk.appendHistory(trx, tenantId, principalId, randomUUID(), t.history);
      });
      changed.push(principalId);
    }
    if (changed.length > 0) await recordAudit(tenantId, verb, changed, who.audit);
    return { changed, unknown: wanted.filter((id) => !present.has(id)) };
  };

  // Every admin action is also written to the audit log.
  const recordAudit = (
    tenantId: string,
    verb: keyof typeof ACTIVITY,
    principalIds: readonly string[],
    actor: AuditActor,
  ): Promise<void> =>
    audit.record(tenantId, {
      activity: ACTIVITY[verb],
      category: 'IdentityProtection',
      operationType: 'Update',
      targets: principalIds.map((id) => ({
        id,
        displayName: null,
        type: 'ServicePrincipal',
        modifiedProperties: [],
      })),
      actor,
    });

  return {
    /** The ids, checked and normalised, that name no service principal of the tenant. */
    async unknownIds(tenantId: string, ids: readonly string[]): Promise<string[]> {
      const wanted = checkIds(ids);
      const present = await known(tenantId, wanted);
      return wanted.filter((id) => !present.has(id));
    },
    /** Sets each principal's risk to high, confirmed compromised, and records who did it. */
    confirmCompromised(tenantId: string, ids: readonly string[], actor: ActionActor): Promise<ActionResult> {
      return apply(tenantId, ids, actor, 'confirmCompromised', async () => ({ kind: 'confirmCompromised' }));
    },
    /** Dismisses all risk of each principal: level none, every active detection dismissed. */
    dismiss(tenantId: string, ids: readonly string[], actor: ActionActor): Promise<ActionResult> {
      return apply(tenantId, ids, actor, 'dismiss', async (trx, principalId) => ({
        kind: 'dismiss',
        detections: await risk.detectionsOf(trx, tenantId, principalId),
      }));
    },
  };
}
