import type { FastifyInstance } from 'fastify';
import type { ApplicationTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import { applicationSchema, collectionOf, singleOf } from './entity-schemas.ts';
import { callerOf, type GraphRouteOptions } from './graph-route-options.ts';

const ids = ['eq', 'ne', 'in'] as const;

/** `applications` (app registrations) as Vigil's inventory knows them. */
export const applicationsModel: QueryModel = {
  name: 'applications',
  properties: {
    id: { kind: 'scalar', type: 'guid', column: 'a.id', filter: ids, sort: true },
    appId: { kind: 'scalar', type: 'guid', column: 'a.app_id', nullable: true, filter: ids, sort: true },
    displayName: {
      kind: 'scalar',
      type: 'string',
      column: 'a.display_name',
      nullable: true,
      filter: ['eq', 'ne', 'in', 'startswith', 'endswith', 'contains'],
      sort: true,
    },
    signInAudience: {
      kind: 'scalar',
      type: 'string',
      column: 'a.sign_in_audience',
      nullable: true,
      filter: ids,
      sort: true,
    },
    createdDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'a.created_at',
      nullable: true,
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
  },
  key: { property: 'id', column: 'a.id' },
  defaultOrder: [{ property: 'id', descending: false }],
  selectable: [
    'id',
    'appId',
    'displayName',
    'signInAudience',
    'createdDateTime',
    'keyCredentials',
    'passwordCredentials',
  ],
  defaultTop: 100,
  maxTop: 999,
};

/** The tenant's applications, with their current credentials. */
export const applicationsSource: CollectionSource<ApplicationTable> = {
  entitySet: 'applications',
  model: applicationsModel,
  rows: (db, tenantId) =>
    db.selectFrom('applications as a').selectAll('a').where('a.tenant_id', '=', tenantId),
  toJson: (a) => ({
    id: a.id,
    appId: a.app_id,
    displayName: a.display_name,
    signInAudience: a.sign_in_audience,
    createdDateTime: a.created_at,
  }),
  credentialsOf: 'application',
};

/** `GET /applications` and `GET /applications/{id}`. */
export async function applicationRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('Application.Read.All');
  const tags = ['directory'];
  app.get(
    '/applications',
    { preHandler: read, schema: { tags, response: { 200: collectionOf(applicationSchema) } } },
    async (request, reply) =>
      listCollection(applicationsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    '/applications/:id',
    { preHandler: read, schema: { tags, response: { 200: singleOf(applicationSchema) } } },
    async (request, reply) =>
      getEntity(applicationsSource, deps, request, reply, callerOf(request).tenantId, request.params.id),
  );
}
