import type { FastifyInstance } from 'fastify';
import type { ServicePrincipalTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import { collectionOf, servicePrincipalSchema, singleOf } from './entity-schemas.ts';
import { callerOf, type GraphRouteOptions } from './graph-route-options.ts';
import { objectIdOf } from './object-ref.ts';
import { servicePrincipalTypeOf } from './risk-shapes.ts';

const ids = ['eq', 'ne', 'in'] as const;
const names = ['eq', 'ne', 'in', 'startswith', 'endswith', 'contains'] as const;

/** `servicePrincipals` as Vigil's inventory knows them. */
export const servicePrincipalsModel: QueryModel = {
  name: 'servicePrincipals',
  properties: {
    id: { kind: 'scalar', type: 'guid', column: 'sp.id', filter: ids, sort: true },
    appId: { kind: 'scalar', type: 'guid', column: 'sp.app_id', nullable: true, filter: ids, sort: true },
    displayName: {
      kind: 'scalar',
      type: 'string',
      column: 'sp.display_name',
      nullable: true,
      filter: names,
      sort: true,
    },
    servicePrincipalType: {
      kind: 'scalar',
      type: 'string',
      column: 'sp.service_principal_type',
      nullable: true,
      filter: ids,
      sort: true,
    },
    accountEnabled: { kind: 'scalar', type: 'boolean', column: 'sp.account_enabled', filter: ['eq', 'ne'] },
    appOwnerOrganizationId: {
      kind: 'scalar',
      type: 'guid',
      column: 'sp.app_owner_organization_id',
      filter: ids,
    },
    createdDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'sp.created_at',
      nullable: true,
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
  },
  key: { property: 'id', column: 'sp.id' },
  defaultOrder: [{ property: 'id', descending: false }],
  selectable: [
    'id',
    'appId',
    'displayName',
    'servicePrincipalType',
    'accountEnabled',
    'appOwnerOrganizationId',
    'createdDateTime',
    'keyCredentials',
    'passwordCredentials',
  ],
  defaultTop: 100,
  maxTop: 999,
};

/** A service principal's Graph properties, from the inventory row. */
export function servicePrincipalJson(sp: ServicePrincipalTable): Record<string, unknown> {
  return {
    id: sp.id,
    appId: sp.app_id,
    displayName: sp.display_name,
    servicePrincipalType: servicePrincipalTypeOf(sp),
    accountEnabled: sp.account_enabled === null ? null : Number(sp.account_enabled) === 1,
    appOwnerOrganizationId: sp.app_owner_organization_id,
    createdDateTime: sp.created_at,
  };
}

/** The tenant's service principals, with their current credentials. */
export const servicePrincipalsSource: CollectionSource<ServicePrincipalTable> = {
  entitySet: 'servicePrincipals',
  model: servicePrincipalsModel,
  rows: (db, tenantId) =>
    db.selectFrom('service_principals as sp').selectAll('sp').where('sp.tenant_id', '=', tenantId),
  toJson: (row) => servicePrincipalJson(row),
  credentialsOf: 'servicePrincipal',
  changesWith: ['directory_version'],
};

/** `GET /servicePrincipals` and `GET /servicePrincipals/{id}`. */
export async function servicePrincipalRoutes(
  app: FastifyInstance,
  options: GraphRouteOptions,
): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('Application.Read.All');
  const tags = ['directory'];
  app.get(
    '/servicePrincipals',
    { preHandler: read, schema: { tags, response: { 200: collectionOf(servicePrincipalSchema) } } },
    async (request, reply) =>
      listCollection(servicePrincipalsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    '/servicePrincipals/:id',
    { preHandler: read, schema: { tags, response: { 200: singleOf(servicePrincipalSchema) } } },
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const id = await objectIdOf(deps.store, 'service_principals', tenantId, request.params.id);
      return getEntity(servicePrincipalsSource, deps, request, reply, tenantId, id);
    },
  );
}
