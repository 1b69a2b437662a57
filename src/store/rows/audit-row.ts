import type { DirectoryAudit } from '../../domain/index.ts';
import type { DirectoryAuditTable } from '../schema.ts';

/** Names the actor for display and matching: UPN, then display name, then ids. */
export function actorName(a: DirectoryAudit['initiatedBy']): string | null {
  return a.userPrincipalName ?? a.displayName ?? a.appId ?? a.servicePrincipalId ?? a.id ?? null;
}

/** Maps a domain audit event to its row; nested parts are kept as JSON text. */
export function auditToRow(a: DirectoryAudit, batch: number): DirectoryAuditTable {
  return {
    tenant_id: a.tenantId,
    id: a.id,
    ingest_batch: batch,
    activity_date_time: a.activityDateTime,
    activity_display_name: a.activityDisplayName,
    activity: a.activity,
    category: a.category,
    operation_type: a.operationType,
    result: a.result,
    result_reason: a.resultReason,
    logged_by_service: a.loggedByService,
    correlation_id: a.correlationId,
    actor_kind: a.initiatedBy.kind,
    actor_id: a.initiatedBy.id ?? a.initiatedBy.servicePrincipalId,
    actor_name: actorName(a.initiatedBy),
    initiated_by: JSON.stringify(a.initiatedBy),
    targets: JSON.stringify(a.targets),
    additional_details: JSON.stringify(a.additionalDetails),
  };
}

/** Maps a stored row back to the domain audit event. */
export function rowToAudit(r: DirectoryAuditTable): DirectoryAudit {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    activityDateTime: r.activity_date_time,
    activityDisplayName: r.activity_display_name,
    activity: r.activity,
    category: r.category,
    operationType: r.operation_type,
    result: r.result,
    resultReason: r.result_reason,
    loggedByService: r.logged_by_service,
    correlationId: r.correlation_id,
    initiatedBy: JSON.parse(r.initiated_by),
    targets: JSON.parse(r.targets),
    additionalDetails: JSON.parse(r.additional_details),
  };
}
