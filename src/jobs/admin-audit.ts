import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditTarget, DirectoryAudit } from '../domain/index.ts';
import { normaliseActivityName } from '../ingest/normalise/normalise-activity-name.ts';
import type { Store } from '../store/open-store.ts';
import { createIngestQueries, emptyBatch } from '../store/queries/ingest-queries.ts';

/** Who takes an action: the id the risk history and inventory name, and the identity the audit record names. */
export interface ActionActor {
  initiatedBy: string;
  audit: AuditActor;
}

/** A person known only by name (a UPN, or a login name on the command line), as an audit record's actor. */
export function namedUser(name: string): AuditActor {
  return {
    kind: 'user',
    id: null,
    displayName: name,
    userPrincipalName: name.includes('@') ? name : null,
    appId: null,
    servicePrincipalId: null,
    ipAddress: null,
  };
}

/** One admin action as the audit log records it. */
export interface AdminAction {
  activity: string;
  category: string;
  operationType: 'Add' | 'Update' | 'Delete';
  targets: AuditTarget[];
  actor: AuditActor;
}

/**
 * Writes Vigil's own record of admin actions to the audit log, where `/auditLogs/directoryAudits`
 * and the exports read it alongside the directory's events (`loggedByService` `Vigil`).
 */
export function createAdminAudit(store: Store, now: () => string = () => new Date().toISOString()) {
  const ingest = createIngestQueries(store);
  return {
    async record(tenantId: string, action: AdminAction): Promise<void> {
      const at = now();
      const audit: DirectoryAudit = {
        tenantId,
        id: `Vigil_${randomUUID()}`,
        activityDateTime: at,
        activityDisplayName: action.activity,
        activity: normaliseActivityName(action.activity),
        category: action.category,
        operationType: action.operationType,
        result: 'success',
        resultReason: null,
        loggedByService: 'Vigil',
        correlationId: randomUUID(),
        initiatedBy: action.actor,
        targets: action.targets,
        additionalDetails: [],
      };
      await ingest.writeBatch({ ...emptyBatch(), audits: [{ audit, credentialChanges: [] }] }, at);
    },
  };
}
