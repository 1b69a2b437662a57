import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { Config } from '../../config/schema.ts';
import { ApiError } from '../../errors/api-error.ts';
import type { Store } from '../../store/open-store.ts';
import type { ChangeCounter } from '../../store/queries/bump-counter.ts';
import type { CredentialTable, Database } from '../../store/schema.ts';
import {
  type AnySelect,
  applyFilter,
  applyQueryOptions,
  nextLink,
  pageOf,
} from '../odata/apply-query-options.ts';
import { parseQueryOptions, type QueryOptions } from '../odata/parse-query-options.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { credentialsJson } from './credential-shapes.ts';
import {
  contextUrl,
  prefersUnknownEnumMembers,
  project,
  serviceRootOf,
  shapeOptionsOf,
} from './graph-request.ts';
import { resourceNotFound } from './graph-route-options.ts';
import type { ResponseCache } from './response-cache.ts';
import type { ShapeOptions } from './risk-shapes.ts';

/** A Graph collection backed by the store: its query model, its rows and how a row reads in Graph. */
export interface CollectionSource<Row> {
  /** The entity set in `@odata.context`, e.g. `identityProtection/riskyServicePrincipals`. */
  entitySet: string;
  model: QueryModel;
  /** The tenant's rows with the columns `toJson` reads; OData adds filter, order and page. */
  rows(db: Kysely<Database>, tenantId: string): AnySelect;
  toJson(row: Row, o: ShapeOptions): Record<string, unknown>;
  /** Directory objects carry their current credentials inline, as Graph returns them. */
  credentialsOf?: 'servicePrincipal' | 'application';
  /**
   * The change counters bumped by every write to the tables `rows` and `credentialsOf` read; with
   * them, answers are served from the response cache until one moves. Without, never cached.
   */
  changesWith?: readonly ChangeCounter[];
}

/** What the collection routes need from the app. */
export interface GraphDeps {
  store: Store;
  config: Readonly<Config>;
  /** Serialized answers of sources that declare `changesWith`; absent, every read queries. */
  responseCache?: ResponseCache;
}

/**
 * Answers a collection request: OData options checked against the model, one page, and its links.
 * Returns the body, or its serialized bytes when it came through the response cache.
 */
export function listCollection<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
): Promise<unknown> {
  return cached(source, deps, request, reply, tenantId, () =>
    collectionBody(source, deps, request, reply, tenantId),
  );
}

/** Answers a single-entity request, or 404 in Graph's words when the tenant has no such entity. */
export function getEntity<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  id: string,
): Promise<unknown> {
  return cached(source, deps, request, reply, tenantId, () =>
    entityBody(source, deps, request, reply, tenantId, id),
  );
}

/** Routes a read through the response cache when the source says what invalidates it. */
function cached<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  compute: () => Promise<Record<string, unknown>>,
): Promise<unknown> {
  const cache = deps.responseCache;
  if (cache === undefined || !cache.enabled || source.changesWith === undefined) return compute();
  return cache.respond(
    request,
    reply,
    {
      tenantId,
      root: serviceRootOf(request, deps.config),
      includeUnknownEnumMembers: prefersUnknownEnumMembers(request),
      changesWith: source.changesWith,
    },
    compute,
  );
}

/** One page of a collection: its rows after the query options, and the skip token of the next. */
export async function readPage<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  tenantId: string,
  options: QueryOptions,
): Promise<{ rows: Row[]; skipToken: string | null }> {
  const { db, capabilities } = deps.store;
  const rows = (await applyQueryOptions(
    source.rows(db, tenantId),
    options,
    source.model,
    capabilities,
  ).execute()) as Row[];
  return pageOf(rows, options);
}

async function collectionBody<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
): Promise<Record<string, unknown>> {
  const query = request.query as Record<string, unknown>;
  const options = parseQueryOptions(query, source.model);
  const shape = shapeOptionsOf(request, reply);
  const page = await readPage(source, deps, tenantId, options);
  const root = serviceRootOf(request, deps.config);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(root, source.entitySet, options.select),
  };
  if (options.count) {
    const { db, capabilities } = deps.store;
    const counted = await applyFilter(
      source.rows(db, tenantId).clearSelect().select(sql<number | string>`count(*)`.as('n')),
      options,
      source.model,
      capabilities,
    ).executeTakeFirst();
    body['@odata.count'] = Number((counted as { n: number | string } | undefined)?.n ?? 0);
  }
  const entities = page.rows.map((r) => source.toJson(r, shape));
  if (source.credentialsOf) await attachCredentials(deps, tenantId, source.credentialsOf, entities);
  body.value = entities.map((e) => project(e, options.select));
  if (page.skipToken !== null) {
    body['@odata.nextLink'] = nextLink(root, source.entitySet, query, page.skipToken);
  }
  return body;
}

async function entityBody<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  id: string,
): Promise<Record<string, unknown>> {
  const row = (await source
    .rows(deps.store.db, tenantId)
    .where(sql.ref(source.model.key.column), '=', keyValue(source.model, id))
    .executeTakeFirst()) as Row | undefined;
  if (!row) throw resourceNotFound(id);
  const select = selectOf(request, source.model);
  const shape = shapeOptionsOf(request, reply);
  const entity = source.toJson(row, shape);
  if (source.credentialsOf) await attachCredentials(deps, tenantId, source.credentialsOf, [entity]);
  return {
    '@odata.context': contextUrl(serviceRootOf(request, deps.config), source.entitySet, select, true),
    ...project(entity, select),
  };
}

/** GUID keys are stored lower-case; other keys (audit ids, detection ids) exactly as issued. */
function keyValue(model: QueryModel, id: string): string {
  const key = model.properties[model.key.property];
  return key?.kind === 'scalar' && key.type === 'guid' ? id.toLowerCase() : id;
}

/** The `$select` of a single-entity request; other query options do not apply to one entity. */
function selectOf(request: FastifyRequest, model: QueryModel): string[] | null {
  const query = request.query as Record<string, unknown>;
  const single: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (/^\$select$/i.test(name)) single[name] = value;
    else if (name.startsWith('$'))
      throw new ApiError('BadRequest', `Query option '${name}' is not supported on a single entity.`);
  }
  return parseQueryOptions(single, model).select;
}

/** Adds each object's current credentials, read in one query for the whole page. */
async function attachCredentials(
  deps: GraphDeps,
  tenantId: string,
  ownerType: 'servicePrincipal' | 'application',
  entities: Record<string, unknown>[],
): Promise<void> {
  const ids = entities.map((e) => String(e.id));
  const rows =
    ids.length === 0
      ? []
      : await deps.store.db
          .selectFrom('credentials')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('owner_type', '=', ownerType)
          .where('owner_id', 'in', ids)
          .where('removed_at', 'is', null)
          .orderBy('key_id')
          .execute();
  const byOwner = new Map<string, CredentialTable[]>();
  for (const r of rows) byOwner.set(r.owner_id, [...(byOwner.get(r.owner_id) ?? []), r]);
  for (const e of entities) Object.assign(e, credentialsJson(byOwner.get(String(e.id)) ?? []));
}
