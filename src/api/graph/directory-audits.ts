import type { FastifyInstance } from 'fastify';
import { rowToAudit } from '../../store/rows/audit-row.ts';
import type { DirectoryAuditTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import { collectionOf, directoryAuditSchema, singleOf } from './entity-schemas.ts';
import { operationResults } from './graph-enums.ts';
import { callerOf, type GraphRouteOptions } from './graph-route-options.ts';

const ids = ['eq', 'ne', 'in'] as const;

/** `auditLogs/directoryAudits`: the directory's audit events and Vigil's own admin actions. */
export const directoryAuditsModel: QueryModel = {
  name: 'directoryAudits',
  properties: {
    id: { kind: 'scalar', type: 'string', column: 'a.id', filter: ids, sort: true },
    activityDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'a.activity_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
    activityDisplayName: {
      kind: 'scalar',
      type: 'string',
      column: 'a.activity_display_name',
      filter: ['eq', 'ne', 'in', 'startswith', 'contains'],
      sort: true,
    },
    category: {
      kind: 'scalar',
      type: 'string',
      column: 'a.category',
      nullable: true,
      filter: ids,
      sort: true,
    },
    correlationId: { kind: 'scalar', type: 'string', column: 'a.correlation_id', filter: ids },
    loggedByService: {
      kind: 'scalar',
      type: 'string',
      column: 'a.logged_by_service',
      nullable: true,
      filter: ids,
      sort: true,
    },
    operationType: { kind: 'scalar', type: 'string', column: 'a.operation_type', filter: ids },
    result: { kind: 'scalar', type: 'enum', members: operationResults, column: 'a.result', filter: ids },
  },
  key: { property: 'id', column: 'a.id' },
  defaultOrder: [{ property: 'activityDateTime', descending: true }],
  selectable: [
    'id',
    'category',
    'correlationId',
    'result',
    'resultReason',
    'activityDisplayName',
    'activityDateTime',
    'loggedByService',
    'operationType',
    'initiatedBy',
    'targetResources',
    'additionalDetails',
  ],
  defaultTop: 1000,
  maxTop: 1000,
};

/** A stored audit event as Graph's directoryAudit. */
export function directoryAuditJson(row: DirectoryAuditTable): Record<string, unknown> {
  const a = rowToAudit(row);
  const who = a.initiatedBy;
  return {
    id: a.id,
    category: a.category,
    correlationId: a.correlationId,
    result: a.result,
    resultReason: a.resultReason,
    activityDisplayName: a.activityDisplayName,
    activityDateTime: a.activityDateTime,
    loggedByService: a.loggedByService,
    operationType: a.operationType,
    initiatedBy: {
      user:
        who.kind === 'user'
          ? {
              id: who.id,
              displayName: who.displayName,
              userPrincipalName: who.userPrincipalName,
              ipAddress: who.ipAddress,
            }
          : null,
      app:
        who.kind === 'app'
          ? {
              appId: who.appId,
              displayName: who.displayName,
              servicePrincipalId: who.servicePrincipalId,
              servicePrincipalName: who.displayName,
            }
          : null,
    },
    targetResources: a.targets.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      type: t.type,
      userPrincipalName: null,
      groupType: null,
      modifiedProperties: t.modifiedProperties,
    })),
    additionalDetails: a.additionalDetails,
  };
}

/** The tenant's audit events. */
export const directoryAuditsSource: CollectionSource<DirectoryAuditTable> = {
  entitySet: 'auditLogs/directoryAudits',
  model: directoryAuditsModel,
  rows: (db, tenantId) =>
    db.selectFrom('directory_audits as a').selectAll('a').where('a.tenant_id', '=', tenantId),
  toJson: directoryAuditJson,
  // Vigil's own audit records go through ingest too, so the batch number covers every write.
  changesWith: ['ingest_batch'],
};

/** `GET /auditLogs/directoryAudits` and `GET /auditLogs/directoryAudits/{id}`. */
export async function directoryAuditRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('AuditLog.Read.All');
  const tags = ['auditLogs'];
  app.get(
    '/auditLogs/directoryAudits',
    { preHandler: read, schema: { tags, response: { 200: collectionOf(directoryAuditSchema) } } },
    async (request, reply) =>
      listCollection(directoryAuditsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    '/auditLogs/directoryAudits/:id',
    { preHandler: read, schema: { tags, response: { 200: singleOf(directoryAuditSchema) } } },
    async (request, reply) =>
      getEntity(directoryAuditsSource, deps, request, reply, callerOf(request).tenantId, request.params.id),
  );
}
