import type { FastifyInstance } from 'fastify';
import type { RiskDetectionTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import { collectionOf, riskDetectionSchema, singleOf } from './entity-schemas.ts';
import { activityTypes, riskDetails, riskLevels, riskStates } from './graph-enums.ts';
import { callerOf, type GraphRouteOptions } from './graph-route-options.ts';
import { type PrincipalColumns, principalColumns, riskDetectionJson } from './risk-shapes.ts';

type DetectionRow = RiskDetectionTable & PrincipalColumns;

const times = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
const members = ['eq', 'ne', 'in'] as const;

/** `servicePrincipalRiskDetections`: every property an analyst narrows by, in Graph's names. */
export const riskDetectionsModel: QueryModel = {
  name: 'servicePrincipalRiskDetections',
  properties: {
    id: { kind: 'scalar', type: 'string', column: 'd.id', filter: members, sort: true },
    requestId: { kind: 'scalar', type: 'string', column: 'd.request_id', filter: members },
    correlationId: { kind: 'scalar', type: 'string', column: 'd.correlation_id', filter: members },
    riskEventType: {
      kind: 'scalar',
      type: 'string',
      column: 'd.risk_event_type',
      filter: [...members, 'startswith'],
      sort: true,
    },
    riskLevel: {
      kind: 'scalar',
      type: 'enum',
      members: riskLevels,
      column: 'd.risk_level',
      filter: members,
      sort: true,
    },
    riskState: {
      kind: 'scalar',
      type: 'enum',
      members: riskStates,
      column: 'd.risk_state',
      filter: members,
      sort: true,
    },
    riskDetail: {
      kind: 'scalar',
      type: 'enum',
      members: riskDetails,
      column: 'd.risk_detail',
      filter: members,
    },
    activity: { kind: 'scalar', type: 'enum', members: activityTypes, column: 'd.activity', filter: members },
    activityDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'd.activity_date_time',
      filter: times,
      sort: true,
    },
    detectedDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'd.detected_date_time',
      filter: times,
      sort: true,
    },
    lastUpdatedDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'd.last_updated_date_time',
      filter: times,
      sort: true,
    },
    ipAddress: {
      kind: 'scalar',
      type: 'string',
      column: 'd.ip_address',
      nullable: true,
      filter: [...members, 'startswith'],
      sort: true,
    },
    servicePrincipalId: {
      kind: 'scalar',
      type: 'guid',
      column: 'd.principal_id',
      filter: members,
      sort: true,
    },
    servicePrincipalDisplayName: {
      kind: 'scalar',
      type: 'string',
      column: 'sp.display_name',
      nullable: true,
      filter: [...members, 'startswith', 'endswith', 'contains'],
      sort: true,
    },
    appId: { kind: 'scalar', type: 'guid', column: 'sp.app_id', filter: members },
    keyIds: { kind: 'collection', type: 'guid', storage: { json: 'd.key_ids' }, filter: members },
  },
  key: { property: 'id', column: 'd.id' },
  // Newest first: detections only arrive, so later pages stay put while new ones come in.
  defaultOrder: [{ property: 'detectedDateTime', descending: true }],
  selectable: [
    'id',
    'requestId',
    'correlationId',
    'riskEventType',
    'riskState',
    'riskLevel',
    'riskDetail',
    'source',
    'detectionTimingType',
    'activity',
    'tokenIssuerType',
    'ipAddress',
    'location',
    'activityDateTime',
    'detectedDateTime',
    'lastUpdatedDateTime',
    'servicePrincipalId',
    'servicePrincipalDisplayName',
    'appId',
    'keyIds',
    'additionalInfo',
    'mitreTechniqueId',
  ],
  defaultTop: 100,
  maxTop: 1000,
};

/** The tenant's detections with their principal's names. */
export const riskDetectionsSource: CollectionSource<DetectionRow> = {
  entitySet: 'identityProtection/servicePrincipalRiskDetections',
  model: riskDetectionsModel,
  rows: (db, tenantId) =>
    db
      .selectFrom('risk_detections as d')
      .leftJoin('service_principals as sp', (j) =>
        j.onRef('sp.tenant_id', '=', 'd.tenant_id').onRef('sp.id', '=', 'd.principal_id'),
      )
      .selectAll('d')
      .select(principalColumns)
      .where('d.tenant_id', '=', tenantId),
  toJson: (row, o) => riskDetectionJson(row, row, o),
  // Detections, and the inventory names joined to them.
  changesWith: ['detection_version', 'directory_version'],
};

/** The detection routes: list and get. */
export async function riskDetectionRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('IdentityRiskEvent.Read.All');
  const base = '/identityProtection/servicePrincipalRiskDetections';
  const tags = ['identityProtection'];
  app.get(
    base,
    { preHandler: read, schema: { tags, response: { 200: collectionOf(riskDetectionSchema) } } },
    async (request, reply) =>
      listCollection(riskDetectionsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    { preHandler: read, schema: { tags, response: { 200: singleOf(riskDetectionSchema) } } },
    async (request, reply) =>
      getEntity(riskDetectionsSource, deps, request, reply, callerOf(request).tenantId, request.params.id),
  );
}
