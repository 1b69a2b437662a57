import type { FastifyInstance } from 'fastify';
import { federatedCredentialJson } from '../../credentials/graph-credential-json.ts';
import type { ApplicationTable, CredentialTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import {
  applicationSchema,
  collectionOf,
  federatedIdentityCredentialSchema,
  singleOf,
} from './entity-schemas.ts';
import { callerOf, type GraphRouteOptions, resourceNotFound } from './graph-route-options.ts';
import { objectIdOf } from './object-ref.ts';

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
  changesWith: ['directory_version'],
};

/** An application's federated identity credentials (current ones), as a Graph collection. */
const federatedModel: QueryModel = {
  name: 'federatedIdentityCredentials',
  properties: {
    id: { kind: 'scalar', type: 'guid', column: 'c.key_id', filter: ids, sort: true },
    name: {
      kind: 'scalar',
      type: 'string',
      column: 'c.display_name',
      filter: [...ids, 'startswith'],
      sort: true,
      nullable: true,
    },
    issuer: { kind: 'scalar', type: 'string', column: 'c.issuer', filter: ids, sort: true, nullable: true },
    subject: {
      kind: 'scalar',
      type: 'string',
      column: 'c.subject',
      filter: [...ids, 'startswith'],
      sort: true,
      nullable: true,
    },
  },
  key: { property: 'id', column: 'c.key_id' },
  defaultOrder: [{ property: 'name', descending: false }],
  selectable: ['id', 'name', 'issuer', 'subject', 'audiences', 'description'],
  defaultTop: 100,
  maxTop: 100,
};

function federatedSource(applicationId: string): CollectionSource<CredentialTable> {
  return {
    entitySet: `applications('${applicationId}')/federatedIdentityCredentials`,
    model: federatedModel,
    rows: (db, tenantId) =>
      db
        .selectFrom('credentials as c')
        .selectAll('c')
        .where('c.tenant_id', '=', tenantId)
        .where('c.owner_type', '=', 'application')
        .where('c.owner_id', '=', applicationId)
        .where('c.type', '=', 'federated')
        .where('c.removed_at', 'is', null),
    toJson: (c) => federatedCredentialJson(c),
    changesWith: ['directory_version'],
  };
}

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
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const id = await objectIdOf(deps.store, 'applications', tenantId, request.params.id);
      return getEntity(applicationsSource, deps, request, reply, tenantId, id);
    },
  );
  const applicationOf = async (tenantId: string, segment: string): Promise<string> => {
    const id = await objectIdOf(deps.store, 'applications', tenantId, segment);
    const found = await deps.store.db
      .selectFrom('applications')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found) throw resourceNotFound(segment);
    return found.id;
  };
  app.get<{ Params: { id: string } }>(
    '/applications/:id/federatedIdentityCredentials',
    {
      preHandler: read,
      schema: { tags, response: { 200: collectionOf(federatedIdentityCredentialSchema) } },
    },
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const id = await applicationOf(tenantId, request.params.id);
      return listCollection(federatedSource(id), deps, request, reply, tenantId);
    },
  );
  app.get<{ Params: { id: string; credentialId: string } }>(
    '/applications/:id/federatedIdentityCredentials/:credentialId',
    { preHandler: read, schema: { tags, response: { 200: singleOf(federatedIdentityCredentialSchema) } } },
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const id = await applicationOf(tenantId, request.params.id);
      return getEntity(federatedSource(id), deps, request, reply, tenantId, request.params.credentialId);
    },
  );
}
