import type { Kysely } from 'kysely';
import type { DetectionRisk, PrincipalRisk, RiskHistoryEntry } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import type { Database, RiskDetectionTable, RiskHistoryTable, RiskyPrincipalTable } from '../schema.ts';
import { bumpCounter } from './bump-counter.ts';
import { enqueueExports } from './export-outbox-queries.ts';

// Detection ids per `in (…)` list.
const CHUNK_IDS = 500;
/** The columns of a detection row, in the order bulk writes bind them. */
export const DETECTION_COLUMNS = [
  'tenant_id',
  'id',
  'principal_id',
  'risk_event_type',
  'risk_level',
  'risk_state',
  'risk_detail',
  'activity',
  'activity_date_time',
  'detected_date_time',
  'last_updated_date_time',
  'ip_address',
  'location',
  'key_ids',
  'request_id',
  'correlation_id',
  'additional_info',
] as const satisfies readonly (keyof RiskDetectionTable)[];

/** Filters for listing detections. */
export interface DetectionFilter {
  tenantId: string;
  principalId?: string;
  riskEventType?: string;
  riskLevel?: string;
  riskState?: string;
  limit: number;
}

/** Filters for listing risky principals. */
export interface RiskyFilter {
  tenantId: string;
  riskLevel?: string;
  riskState?: string;
  limit: number;
}

/** Reads and writes detections, principals' risk and its history; writers take a transaction. */
export function createRiskQueries(store: Store) {
  return {
    /** Runs `fn` in one transaction: a risk change, its history and its detections land together. */
    transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      return store.db.transaction().execute(fn);
    },
    async getRisk(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
    ): Promise<PrincipalRisk | null> {
      const r = await db
        .selectFrom('risky_principals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .executeTakeFirst();
      return r ? rowToRisk(r) : null;
    },
    async putRisk(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
      risk: PrincipalRisk,
    ): Promise<void> {
      const row: RiskyPrincipalTable = {
        tenant_id: tenantId,
        principal_id: principalId,
        risk_level: risk.riskLevel,
        risk_state: risk.riskState,
        risk_detail: risk.riskDetail,
        risk_last_updated_date_time: risk.riskLastUpdatedDateTime,
      };
      await db
        .insertInto('risky_principals')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'principal_id']).doUpdateSet({
            risk_level: row.risk_level,
            risk_state: row.risk_state,
            risk_detail: row.risk_detail,
            risk_last_updated_date_time: row.risk_last_updated_date_time,
          }),
        )
        .execute();
      // Decision points hold risk in memory: the counter tells them to reload.
      await bumpCounter(db, 'risk_version');
    },
    async appendHistory(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
      id: string,
      entry: RiskHistoryEntry,
    ): Promise<void> {
      await db
        .insertInto('risk_history')
        .values({
          tenant_id: tenantId,
          id,
          principal_id: principalId,
          risk_level: entry.risk.riskLevel,
          risk_state: entry.risk.riskState,
          risk_detail: entry.risk.riskDetail,
          risk_last_updated_date_time: entry.risk.riskLastUpdatedDateTime ?? '',
          initiated_by: entry.initiatedBy,
          activity_detail: entry.activity.detail,
          activity_risk_event_types: JSON.stringify(entry.activity.riskEventTypes),
        })
        .execute();
      // History is read through cached Graph responses: the counter tells them it changed.
      await bumpCounter(db, 'risk_version');
      await enqueueExports(db, tenantId, 'RiskyServicePrincipals', [id]);
    },
    /** A principal's history, oldest first. */
    history(tenantId: string, principalId: string): Promise<RiskHistoryTable[]> {
      return store.db
        .selectFrom('risk_history')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('risk_last_updated_date_time')
        .orderBy('id')
        .execute();
    },
    /** Inserts a detection, or updates it when its deterministic id is known already. */
    async upsertDetection(db: Kysely<Database>, row: RiskDetectionTable): Promise<void> {
      const { tenant_id: _t, id: _i, detected_date_time: _d, ...changing } = row;
      await db
        .insertInto('risk_detections')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'id']).doUpdateSet(changing))
        .execute();
      await bumpCounter(db, 'detection_version');
      await enqueueExports(db, row.tenant_id, 'ServicePrincipalRiskEvents', [row.id]);
    },
    /** Level, state and explanation of the tenant's detections with these ids, by id. */
    async detectionStates(
      db: Kysely<Database>,
      tenantId: string,
      ids: readonly string[],
    ): Promise<Map<string, Pick<RiskDetectionTable, 'risk_level' | 'risk_state' | 'additional_info'>>> {
      const out = new Map<
        string,
        Pick<RiskDetectionTable, 'risk_level' | 'risk_state' | 'additional_info'>
      >();
      for (let i = 0; i < ids.length; i += CHUNK_IDS) {
        const rows = await db
          .selectFrom('risk_detections')
          .select(['id', 'risk_level', 'risk_state', 'additional_info'])
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids.slice(i, i + CHUNK_IDS))
          .execute();
        for (const { id, ...state } of rows) out.set(id, state);
      }
      return out;
    },
    /**
     * Writes new detections in bulk (a row whose id is known already is overwritten). The caller
     * moves the detection counter and queues the exports, once for all of them.
     */
    async insertDetections(db: Kysely<Database>, rows: readonly RiskDetectionTable[]): Promise<void> {
      if (rows.length === 0) return;
      const values: unknown[] = [];
      for (const r of rows) for (const c of DETECTION_COLUMNS) values.push(r[c]);
      await store.capabilities.upsertRows(
        db,
        'risk_detections',
        DETECTION_COLUMNS,
        ['tenant_id', 'id'],
        DETECTION_COLUMNS.filter((c) => c !== 'tenant_id' && c !== 'id' && c !== 'detected_date_time'),
        values,
      );
    },
    /** A known detection's new explanation and level, from later evidence of the same finding. */
    async refreshDetection(
      db: Kysely<Database>,
      tenantId: string,
      id: string,
      additionalInfo: string,
      riskLevel: string,
      now: string,
    ): Promise<void> {
      await db
        .updateTable('risk_detections')
        .set({ last_updated_date_time: now, additional_info: additionalInfo, risk_level: riskLevel })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },
    async detectionsOf(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
    ): Promise<DetectionRisk[]> {
      const rows = await db
        .selectFrom('risk_detections')
        .select(['id', 'risk_event_type', 'risk_level', 'risk_state'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        riskEventType: r.risk_event_type,
        riskLevel: r.risk_level as DetectionRisk['riskLevel'],
        riskState: r.risk_state as DetectionRisk['riskState'],
      }));
    },
    /** Moves a principal's active detections (at risk or confirmed) to `state`. */
    async settleDetections(
      db: Kysely<Database>,
      tenantId: string,
      principalId: string,
      state: 'dismissed' | 'remediated',
      detail: string,
      at: string,
    ): Promise<void> {
      const settled = await db
        .updateTable('risk_detections')
        .set({ risk_state: state, risk_detail: detail, last_updated_date_time: at })
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('risk_state', 'in', ['atRisk', 'confirmedCompromised'])
        .returning('id')
        .execute();
      if (settled.length > 0) await bumpCounter(db, 'detection_version');
      await enqueueExports(
        db,
        tenantId,
        'ServicePrincipalRiskEvents',
        settled.map((r) => r.id),
      );
    },
    listDetections(f: DetectionFilter): Promise<RiskDetectionTable[]> {
      let q = store.db.selectFrom('risk_detections').selectAll().where('tenant_id', '=', f.tenantId);
      if (f.principalId) q = q.where('principal_id', '=', f.principalId);
      if (f.riskEventType) q = q.where('risk_event_type', '=', f.riskEventType);
      if (f.riskLevel) q = q.where('risk_level', '=', f.riskLevel);
      if (f.riskState) q = q.where('risk_state', '=', f.riskState);
      return q.orderBy('detected_date_time', 'desc').orderBy('id').limit(f.limit).execute();
    },
    listRisky(f: RiskyFilter): Promise<RiskyPrincipalTable[]> {
      let q = store.db.selectFrom('risky_principals').selectAll().where('tenant_id', '=', f.tenantId);
      if (f.riskLevel) q = q.where('risk_level', '=', f.riskLevel);
      if (f.riskState) q = q.where('risk_state', '=', f.riskState);
      return q
        .orderBy('risk_last_updated_date_time', 'desc')
        .orderBy('principal_id')
        .limit(f.limit)
        .execute();
    },
  };
}

/** Maps a stored row to a principal's risk. */
export function rowToRisk(r: RiskyPrincipalTable): PrincipalRisk {
  return {
    riskLevel: r.risk_level as PrincipalRisk['riskLevel'],
    riskState: r.risk_state as PrincipalRisk['riskState'],
    riskDetail: r.risk_detail as PrincipalRisk['riskDetail'],
    riskLastUpdatedDateTime: r.risk_last_updated_date_time,
  };
}
