import type { Kysely } from 'kysely';
import { directoryAuditJson } from '../api/graph/directory-audits.ts';
import {
  historyItemJson,
  principalColumns,
  riskDetectionJson,
  riskyServicePrincipalJson,
  type ShapeOptions,
} from '../api/graph/risk-shapes.ts';
import { signInJson } from '../api/graph/sign-ins.ts';
import type { Database, ExportOutboxTable } from '../store/schema.ts';
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
  const e = envelope(category, tenantId, time, operationName, recordId, properties, extra);
  return { id: recordId, category, tenantId, time, envelope: e };
}

function envelope(
  category: ExportCategory,
  tenantId: string,
  time: string,
  operationName: string,
  recordId: string,
  properties: Record<string, unknown>,
  extra: Partial<ExportEnvelope> = {},
): ExportEnvelope {
  return {
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
  const put = (ref: string, e: ExportEnvelope) =>
    byId.set(ref, { id: e.recordId, category, tenantId, time: e.time, envelope: e });

  if (category === 'RiskyServicePrincipals') {
    const found = await inChunks(ids, (chunk) =>
      db
        .selectFrom('risk_history as h')
        .leftJoin('service_principals as sp', (j) =>
          j.onRef('sp.tenant_id', '=', 'h.tenant_id').onRef('sp.id', '=', 'h.principal_id'),
        )
        .selectAll('h')
        .select(principalColumns)
        .where('h.tenant_id', '=', tenantId)
        .where('h.id', 'in', chunk)
        .execute(),
    );
    for (const h of found) {
      const item = historyItemJson(h, h, SHAPE);
      const properties = {
        ...riskyServicePrincipalJson({ ...h }, h, SHAPE),
        activity: item.activity,
        initiatedBy: h.initiated_by,
      };
      put(
        h.id,
        envelope(
          category,
          tenantId,
          h.risk_last_updated_date_time,
          'Risky service principal',
          h.id,
          properties,
        ),
      );
    }
  } else if (category === 'ServicePrincipalRiskEvents') {
    const found = await inChunks(ids, (chunk) =>
      db
        .selectFrom('risk_detections as d')
        .leftJoin('service_principals as sp', (j) =>
          j.onRef('sp.tenant_id', '=', 'd.tenant_id').onRef('sp.id', '=', 'd.principal_id'),
        )
        .selectAll('d')
        .select(principalColumns)
        .where('d.tenant_id', '=', tenantId)
        .where('d.id', 'in', chunk)
        .execute(),
    );
    for (const d of found) {
      const recordId = `${d.id}@${d.last_updated_date_time}`;
      const properties = riskDetectionJson(d, d, SHAPE);
      put(
        d.id,
        envelope(
          category,
          tenantId,
          d.last_updated_date_time,
          'Service principal risk detection',
          recordId,
          properties,
          {
            ...(d.ip_address ? { callerIpAddress: d.ip_address } : {}),
          },
        ),
      );
    }
  } else if (category === 'AuditLogs') {
    const found = await inChunks(ids, (chunk) =>
      db
        .selectFrom('directory_audits')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', chunk)
        .execute(),
    );
    for (const a of found) {
      put(
        a.id,
        envelope(
          category,
          tenantId,
          a.activity_date_time,
          a.activity_display_name,
          a.id,
          directoryAuditJson(a),
          {
            resultType: a.result ?? 'success',
            ...(a.correlation_id ? { correlationId: a.correlation_id } : {}),
            level: 'Informational',
          },
        ),
      );
    }
  } else {
    const found = await inChunks(ids, (chunk) =>
      db
        .selectFrom('sign_ins')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', chunk)
        .execute(),
    );
    for (const s of found) {
      put(
        s.id,
        envelope(category, tenantId, s.created_at, 'Sign-in activity', s.id, signInJson(s), {
          resultType: String(s.status_code),
          resultSignature: 'None',
          durationMs: 0,
          ...(s.ip_address ? { callerIpAddress: s.ip_address } : {}),
          ...(s.correlation_id ? { correlationId: s.correlation_id } : {}),
          level: s.status_code === 0 ? 'Informational' : 'Warning',
          ...(s.country ? { location: s.country } : {}),
        }),
      );
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
