import type { Kysely } from 'kysely';
import { directoryAuditJson, directoryAuditsSource } from '../api/graph/directory-audits.ts';
import {
  historyItemJson,
  type PrincipalColumns,
  riskyServicePrincipalJson,
  type ShapeOptions,
} from '../api/graph/risk-shapes.ts';
import { historyRows } from '../api/graph/risky-service-principals.ts';
import { riskDetectionsSource } from '../api/graph/service-principal-risk-detections.ts';
import { signInJson, signInsSource } from '../api/graph/sign-ins.ts';
import type { AnySelect } from '../api/odata/apply-query-options.ts';
import type {
  Database,
  DirectoryAuditTable,
  ExportOutboxTable,
  RiskDetectionTable,
  RiskHistoryTable,
  SignInTable,
} from '../store/schema.ts';
import type { ExportCategory, ExportEnvelope, ExportRecord } from './destination.ts';

// Exports carry every property by name: beta's names (the Log Analytics tables use them too) and
// evolvable enum members spelled out, since no client is there to ask for them.
export const EXPORT_SHAPE: ShapeOptions = { version: 'beta', includeUnknownEnumMembers: true };
const SHAPE = EXPORT_SHAPE;
const CHUNK = 500;

/** An export record in Azure Monitor's envelope: `properties` is the Graph object. */
export function exportRecordOf(
  category: ExportCategory,
  tenantId: string,
  time: string,
  operationName: string,
  recordId: string,
  properties: Record<string, unknown>,
  extra: Partial<ExportEnvelope> = {},
): ExportRecord {
  const envelope: ExportEnvelope = {
    time,
    resourceId: `/tenants/${tenantId}/providers/Microsoft.aadiam`,
    operationName,
    operationVersion: '1.0',
    category,
    tenantId,
    ...extra,
    recordId,
    properties,
  };
  return { id: recordId, category, tenantId, time, envelope };
}

async function inChunks<T>(ids: readonly string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

/**
 * Turns outbox rows of one category and tenant into export records, reading what they name as it
 * is now: a history item is the risk after one change; a detection is its latest state (its record
 * id includes the update time, so each update is a record of its own). Rows whose object is gone
 * are skipped.
 */
export async function renderRecords(
  db: Kysely<Database>,
  category: ExportCategory,
  tenantId: string,
  rows: readonly ExportOutboxTable[],
): Promise<ExportRecord[]> {
  const ids = [...new Set(rows.map((r) => r.ref))];
  const byId = new Map<string, ExportRecord>();
  // The rows the API serves, narrowed to the ids queued: an export is the object the API returns.
  const load = <T>(source: (db: Kysely<Database>, tenantId: string) => AnySelect, key: string) =>
    inChunks(ids, (chunk) => source(db, tenantId).where(key, 'in', chunk).execute() as Promise<T[]>);
  const put = (
    ref: string,
    time: string,
    operationName: string,
    recordId: string,
    properties: Record<string, unknown>,
    extra: Partial<ExportEnvelope> = {},
  ) => byId.set(ref, exportRecordOf(category, tenantId, time, operationName, recordId, properties, extra));

  if (category === 'RiskyServicePrincipals') {
    for (const h of await load<RiskHistoryTable & PrincipalColumns>(historyRows, 'h.id')) {
      const { activity } = historyItemJson(h, h, SHAPE);
      const properties = { ...riskyServicePrincipalJson(h, h, SHAPE), activity, initiatedBy: h.initiated_by };
      put(h.id, h.risk_last_updated_date_time, 'Risky service principal', h.id, properties);
    }
  } else if (category === 'ServicePrincipalRiskEvents') {
    for (const d of await load<RiskDetectionTable & PrincipalColumns>(riskDetectionsSource.rows, 'd.id')) {
      put(
        d.id,
        d.last_updated_date_time,
        'Service principal risk detection',
        `${d.id}@${d.last_updated_date_time}`,
        riskDetectionsSource.toJson(d, SHAPE),
        d.ip_address ? { callerIpAddress: d.ip_address } : {},
      );
    }
  } else if (category === 'AuditLogs') {
    for (const a of await load<DirectoryAuditTable>(directoryAuditsSource.rows, 'a.id')) {
      put(a.id, a.activity_date_time, a.activity_display_name, a.id, directoryAuditJson(a), {
        resultType: a.result ?? 'success',
        ...(a.correlation_id ? { correlationId: a.correlation_id } : {}),
        level: 'Informational',
      });
    }
  } else {
    for (const s of await load<SignInTable>(signInsSource.rows, 's.id')) {
      put(s.id, s.created_at, 'Sign-in activity', s.id, signInJson(s), {
        resultType: String(s.status_code),
        resultSignature: 'None',
        durationMs: 0,
        ...(s.ip_address ? { callerIpAddress: s.ip_address } : {}),
        ...(s.correlation_id ? { correlationId: s.correlation_id } : {}),
        level: s.status_code === 0 ? 'Informational' : 'Warning',
        ...(s.country ? { location: s.country } : {}),
      });
    }
  }
  // In outbox order; a row queued twice (a detection updated twice) is delivered twice.
  const out: ExportRecord[] = [];
  for (const r of rows) {
    const record = byId.get(r.ref);
    if (record) out.push(record);
  }
  return out;
}
