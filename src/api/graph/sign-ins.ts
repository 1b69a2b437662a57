import type { FastifyInstance } from 'fastify';
import type { SignInTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import { collectionOf, signInSchema, singleOf } from './entity-schemas.ts';
import { clientCredentialTypes, conditionalAccessStatuses, signInEventTypes } from './graph-enums.ts';
import { callerOf, type GraphRouteOptions } from './graph-route-options.ts';

const ids = ['eq', 'ne', 'in'] as const;
const prefixed = ['eq', 'ne', 'in', 'startswith'] as const;
const ordered = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in'] as const;

/** `auditLogs/signIns`: the workload sign-ins (service principals and managed identities). */
export const signInsModel: QueryModel = {
  name: 'signIns',
  properties: {
    id: { kind: 'scalar', type: 'string', column: 's.id', filter: ids, sort: true },
    createdDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 's.created_at',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
    appId: { kind: 'scalar', type: 'guid', column: 's.app_id', nullable: true, filter: ids, sort: true },
    appDisplayName: { kind: 'scalar', type: 'string', column: 's.service_principal_name', filter: prefixed },
    servicePrincipalId: {
      kind: 'scalar',
      type: 'guid',
      column: 's.service_principal_id',
      filter: prefixed,
      sort: true,
    },
    servicePrincipalName: {
      kind: 'scalar',
      type: 'string',
      column: 's.service_principal_name',
      filter: prefixed,
    },
    ipAddress: {
      kind: 'scalar',
      type: 'string',
      column: 's.ip_address',
      nullable: true,
      filter: prefixed,
      sort: true,
    },
    'location/countryOrRegion': {
      kind: 'scalar',
      type: 'string',
      column: 's.country',
      nullable: true,
      filter: ids,
      sort: true,
    },
    'location/city': { kind: 'scalar', type: 'string', column: 's.city', filter: prefixed },
    'location/state': { kind: 'scalar', type: 'string', column: 's.state', filter: prefixed },
    autonomousSystemNumber: {
      kind: 'scalar',
      type: 'int',
      column: 's.asn',
      nullable: true,
      filter: ordered,
      sort: true,
    },
    userAgent: {
      kind: 'scalar',
      type: 'string',
      column: 's.user_agent',
      filter: ['eq', 'ne', 'startswith', 'contains'],
    },
    resourceId: {
      kind: 'scalar',
      type: 'guid',
      column: 's.resource_id',
      nullable: true,
      filter: ids,
      sort: true,
    },
    resourceDisplayName: { kind: 'scalar', type: 'string', column: 's.resource_name', filter: prefixed },
    clientCredentialType: {
      kind: 'scalar',
      type: 'enum',
      members: clientCredentialTypes,
      column: 's.credential_type',
      filter: ids,
    },
    servicePrincipalCredentialKeyId: {
      kind: 'scalar',
      type: 'guid',
      column: 's.credential_key_id',
      filter: ids,
    },
    servicePrincipalCredentialThumbprint: {
      kind: 'scalar',
      type: 'string',
      column: 's.credential_thumbprint',
      filter: ids,
    },
    'status/errorCode': { kind: 'scalar', type: 'int', column: 's.status_code', filter: ordered },
    conditionalAccessStatus: {
      kind: 'scalar',
      type: 'enum',
      members: conditionalAccessStatuses,
      column: 's.conditional_access_status',
      filter: ids,
    },
    correlationId: { kind: 'scalar', type: 'string', column: 's.correlation_id', filter: ids },
    originalRequestId: { kind: 'scalar', type: 'string', column: 's.request_id', filter: ids },
    // Every sign-in Vigil holds is a workload's: its one event type is its kind.
    signInEventTypes: {
      kind: 'collection',
      type: 'enum',
      members: signInEventTypes,
      storage: { single: 's.kind' },
      filter: ['eq', 'ne', 'in'],
    },
  },
  key: { property: 'id', column: 's.id' },
  // Newest first, as Graph lists sign-ins.
  defaultOrder: [{ property: 'createdDateTime', descending: true }],
  selectable: [
    'id',
    'createdDateTime',
    'appId',
    'appDisplayName',
    'servicePrincipalId',
    'servicePrincipalName',
    'ipAddress',
    'location',
    'autonomousSystemNumber',
    'userAgent',
    'resourceId',
    'resourceDisplayName',
    'resourceServicePrincipalId',
    'clientCredentialType',
    'servicePrincipalCredentialKeyId',
    'servicePrincipalCredentialThumbprint',
    'federatedCredentialId',
    'status',
    'conditionalAccessStatus',
    'appliedConditionalAccessPolicies',
    'originalRequestId',
    'correlationId',
    'signInEventTypes',
    'isInteractive',
    'managedServiceIdentity',
  ],
  // Graph's documented default and maximum page size for sign-ins.
  defaultTop: 1000,
  maxTop: 1000,
};

/** A stored workload sign-in as Graph's (beta) signIn. */
export function signInJson(s: SignInTable): Record<string, unknown> {
  return {
    id: s.id,
    createdDateTime: s.created_at,
    appId: s.app_id,
    appDisplayName: s.service_principal_name,
    servicePrincipalId: s.service_principal_id,
    servicePrincipalName: s.service_principal_name,
    ipAddress: s.ip_address,
    location: { city: s.city, state: s.state, countryOrRegion: s.country, geoCoordinates: null },
    autonomousSystemNumber: s.asn,
    userAgent: s.user_agent,
    resourceId: s.resource_id,
    resourceDisplayName: s.resource_name,
    resourceServicePrincipalId: s.resource_service_principal_id,
    clientCredentialType: s.credential_type,
    servicePrincipalCredentialKeyId: s.credential_key_id,
    servicePrincipalCredentialThumbprint: s.credential_thumbprint,
    federatedCredentialId: s.federated_credential_id,
    status: { errorCode: s.status_code, failureReason: s.failure_reason, additionalDetails: null },
    conditionalAccessStatus: s.conditional_access_status,
    appliedConditionalAccessPolicies: s.applied_policies === null ? [] : JSON.parse(s.applied_policies),
    originalRequestId: s.request_id,
    correlationId: s.correlation_id,
    signInEventTypes: [s.kind],
    isInteractive: false,
    managedServiceIdentity:
      s.kind === 'managedIdentity'
        ? {
            msiType: s.msi_type ?? 'none',
            associatedResourceId: s.associated_resource_id,
            federatedTokenId: null,
            federatedTokenIssuer: null,
          }
        : null,
  };
}

/** The tenant's workload sign-ins. */
export const signInsSource: CollectionSource<SignInTable> = {
  entitySet: 'auditLogs/signIns',
  model: signInsModel,
  rows: (db, tenantId) => db.selectFrom('sign_ins as s').selectAll('s').where('s.tenant_id', '=', tenantId),
  toJson: signInJson,
  // Only ingest writes sign-ins, and every ingest transaction takes a new batch number.
  changesWith: ['ingest_batch'],
};

/** `GET /auditLogs/signIns` and `GET /auditLogs/signIns/{id}`. */
export async function signInRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('AuditLog.Read.All');
  const tags = ['auditLogs'];
  app.get(
    '/auditLogs/signIns',
    { preHandler: read, schema: { tags, response: { 200: collectionOf(signInSchema) } } },
    async (request, reply) => listCollection(signInsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    '/auditLogs/signIns/:id',
    { preHandler: read, schema: { tags, response: { 200: singleOf(signInSchema) } } },
    async (request, reply) =>
      getEntity(signInsSource, deps, request, reply, callerOf(request).tenantId, request.params.id),
  );
}
