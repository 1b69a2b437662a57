import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import type { ConditionalAccessPolicy } from '../../domain/index.ts';
import { ApiError } from '../../errors/api-error.ts';
import { createAdminAudit } from '../../jobs/admin-audit.ts';
import { policyWhatIf } from '../../jobs/policy-what-if.ts';
import { checkLocationReferences, policiesUsingLocation } from '../../policies/location-references.ts';
import { validateNamedLocation } from '../../policies/validate-named-location.ts';
import { validatePolicy } from '../../policies/validate-policy.ts';
import {
  type ConditionalAccessObjects,
  type ConditionalAccessTable,
  createConditionalAccessQueries,
} from '../../store/queries/conditional-access-queries.ts';
import type { ConditionalAccessObjectTable } from '../../store/schema.ts';
import { enforcesOutOfScope } from '../authz/access-state.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, getEntity, listCollection } from './collection-source.ts';
import {
  collectionOf,
  conditionalAccessPolicySchema,
  namedLocationSchema,
  singleOf,
} from './entity-schemas.ts';
import { contextUrl, serviceRootOf } from './graph-request.ts';
import { auditActorOf, callerOf, type GraphRouteOptions, resourceNotFound } from './graph-route-options.ts';

interface Resource<T extends ConditionalAccessTable> {
  table: T;
  path: string;
  noun: string;
  auditType: string;
  schema: TSchema;
  model: QueryModel;
  validate(
    body: unknown,
    mode: 'create' | 'update',
    existing: ConditionalAccessObjects[T] | undefined,
  ):
    | { value: Omit<ConditionalAccessObjects[T], 'id' | 'createdDateTime' | 'modifiedDateTime'> }
    | { field: string; message: string };
  toJson(o: ConditionalAccessObjects[T]): Record<string, unknown>;
}

const times = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

function modelOf(name: string, extra: QueryModel['properties'], selectable: string[]): QueryModel {
  return {
    name,
    properties: {
      id: { kind: 'scalar', type: 'guid', column: 'c.id', filter: ['eq', 'ne', 'in'], sort: true },
      displayName: {
        kind: 'scalar',
        type: 'string',
        column: 'c.display_name',
        filter: ['eq', 'ne', 'in', 'startswith', 'endswith', 'contains'],
        sort: true,
      },
      createdDateTime: {
        kind: 'scalar',
        type: 'dateTime',
        column: 'c.created_date_time',
        filter: times,
        sort: true,
      },
      modifiedDateTime: {
        kind: 'scalar',
        type: 'dateTime',
        column: 'c.modified_date_time',
        filter: times,
        sort: true,
      },
      ...extra,
    },
    key: { property: 'id', column: 'c.id' },
    defaultOrder: [{ property: 'createdDateTime', descending: false }],
    selectable: ['id', 'displayName', 'createdDateTime', 'modifiedDateTime', ...selectable],
    defaultTop: 100,
    maxTop: 500,
  };
}

const policies: Resource<'ca_policies'> = {
  table: 'ca_policies',
  path: '/identity/conditionalAccess/policies',
  noun: 'Conditional Access policy',
  auditType: 'Policy',
  schema: conditionalAccessPolicySchema,
  model: modelOf(
    'policies',
    {
      state: {
        kind: 'scalar',
        type: 'enum',
        members: ['enabled', 'disabled', 'enabledForReportingButNotEnforced'],
        column: 'c.kind',
        filter: ['eq', 'ne', 'in'],
        sort: true,
      },
    },
    ['description', 'state', 'templateId', 'conditions', 'grantControls', 'sessionControls'],
  ),
  validate(body, mode, existing) {
    const r = validatePolicy(body, mode, existing);
    return 'error' in r ? r.error : { value: r.policy };
  },
  toJson: (p) => ({ ...p, templateId: null, sessionControls: null }),
};

const namedLocations: Resource<'named_locations'> = {
  table: 'named_locations',
  path: '/identity/conditionalAccess/namedLocations',
  noun: 'named location',
  auditType: 'NamedLocation',
  schema: namedLocationSchema,
  model: modelOf('namedLocations', {}, [
    '@odata.type',
    'isTrusted',
    'ipRanges',
    'countriesAndRegions',
    'includeUnknownCountriesAndRegions',
    'countryLookupMethod',
  ]),
  validate(body, mode, existing) {
    const r = validateNamedLocation(body, mode, existing);
    return 'error' in r ? r.error : { value: r.location };
  },
  toJson: (l) => ({ ...l }),
};

/**
 * `GET/POST /identity/conditionalAccess/policies`, `GET/PATCH/DELETE …/{id}`, and the same for
 * `namedLocations`: Graph-shaped, validated field by field, audited, and applied to decisions at once.
 */
export async function conditionalAccessRoutes(
  app: FastifyInstance,
  options: GraphRouteOptions,
): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('Policy.Read.All');
  const write = requirePermission('Policy.ReadWrite.ConditionalAccess');
  const queries = createConditionalAccessQueries(deps.store);
  const audit = createAdminAudit(deps.store);
  const tags = ['conditionalAccess'];

  const register = <T extends ConditionalAccessTable>(resource: Resource<T>) => {
    const entitySet = resource.path.slice(1);
    const source: CollectionSource<ConditionalAccessObjectTable> = {
      entitySet,
      model: resource.model,
      rows: (db, tenantId) =>
        db
          .selectFrom(`${resource.table as 'ca_policies'} as c`)
          .selectAll('c')
          .where('c.tenant_id', '=', tenantId),
      toJson: (row) => resource.toJson(JSON.parse(row.body) as ConditionalAccessObjects[T]),
      changesWith: ['policy_version'],
    };
    const refuse = (e: { field: string; message: string }): never => {
      throw new ApiError(
        'BadRequest',
        e.message.startsWith(e.field) ? e.message : `${e.field}: ${e.message}`,
      );
    };
    const checkReferences = async (tenantId: string, o: ConditionalAccessObjects[T]): Promise<void> => {
      if (resource.table !== 'ca_policies') return;
      const error = checkLocationReferences(
        o as ConditionalAccessPolicy,
        await queries.list('named_locations', tenantId),
      );
      if (error) refuse(error);
    };
    const recordChange = (
      tenantId: string,
      verb: 'Add' | 'Update' | 'Delete',
      o: { id: string; displayName: string },
      before: unknown,
      after: unknown,
      actor: ReturnType<typeof auditActorOf>,
    ) =>
      audit.record(tenantId, {
        activity: `${verb} ${resource.noun}`,
        category: 'Policy',
        operationType: verb,
        targets: [
          {
            id: o.id,
            displayName: o.displayName,
            type: resource.auditType,
            modifiedProperties: [
              {
                displayName: resource.auditType,
                oldValue: before === null ? null : JSON.stringify(before),
                newValue: after === null ? null : JSON.stringify(after),
              },
            ],
          },
        ],
        actor,
      });

    app.get(
      resource.path,
      { preHandler: read, schema: { tags, response: { 200: collectionOf(resource.schema) } } },
      async (request, reply) => listCollection(source, deps, request, reply, callerOf(request).tenantId),
    );
    app.get<{ Params: { id: string } }>(
      `${resource.path}/:id`,
      { preHandler: read, schema: { tags, response: { 200: singleOf(resource.schema) } } },
      async (request, reply) =>
        getEntity(source, deps, request, reply, callerOf(request).tenantId, request.params.id),
    );
    app.post(
      resource.path,
      {
        preHandler: write,
        bodyLimit: 256 * 1024,
        schema: { tags, response: { 201: singleOf(resource.schema) } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const checked = resource.validate(request.body, 'create', undefined);
        if (!('value' in checked)) return refuse(checked);
        const at = new Date().toISOString();
        const created = {
          ...checked.value,
          id: randomUUID(),
          createdDateTime: at,
          modifiedDateTime: at,
        } as ConditionalAccessObjects[T];
        await checkReferences(caller.tenantId, created);
        await queries.insert(resource.table, caller.tenantId, created);
        await options.onChange();
        await recordChange(caller.tenantId, 'Add', created, null, created, auditActorOf(caller));
        return reply.code(201).send({
          '@odata.context': contextUrl(serviceRootOf(request, deps.config), entitySet, null, true),
          ...resource.toJson(created),
        });
      },
    );
    app.patch<{ Params: { id: string } }>(
      `${resource.path}/:id`,
      { preHandler: write, bodyLimit: 256 * 1024, schema: { tags } },
      async (request, reply) => {
        const caller = callerOf(request);
        const existing = await queries.get(resource.table, caller.tenantId, request.params.id.toLowerCase());
        if (!existing) throw resourceNotFound(request.params.id);
        const checked = resource.validate(request.body, 'update', existing);
        if (!('value' in checked)) return refuse(checked);
        const updated = {
          ...checked.value,
          id: existing.id,
          createdDateTime: existing.createdDateTime,
          modifiedDateTime: new Date().toISOString(),
        } as ConditionalAccessObjects[T];
        await checkReferences(caller.tenantId, updated);
        if (!(await queries.update(resource.table, caller.tenantId, updated)))
          throw resourceNotFound(request.params.id);
        await options.onChange();
        await recordChange(caller.tenantId, 'Update', updated, existing, updated, auditActorOf(caller));
        return reply.code(204).send();
      },
    );
    app.delete<{ Params: { id: string } }>(
      `${resource.path}/:id`,
      { preHandler: write, schema: { tags } },
      async (request, reply) => {
        const caller = callerOf(request);
        const id = request.params.id.toLowerCase();
        const existing = await queries.get(resource.table, caller.tenantId, id);
        if (!existing) throw resourceNotFound(request.params.id);
        if (resource.table === 'named_locations') {
          const users = policiesUsingLocation(id, await queries.list('ca_policies', caller.tenantId));
          if (users.length > 0) {
            throw new ApiError(
              'BadRequest',
              `The named location is used by ${users.map((p) => `'${p.displayName}' (${p.id})`).join(', ')}; remove it from them first.`,
            );
          }
        }
        if (!(await queries.remove(resource.table, caller.tenantId, id)))
          throw resourceNotFound(request.params.id);
        await options.onChange();
        await recordChange(caller.tenantId, 'Delete', existing, existing, null, auditActorOf(caller));
        return reply.code(204).send();
      },
    );
  };
  register(policies);
  register(namedLocations);

  // What-if: a proposed policy replayed over the recorded sign-ins; it changes nothing.
  app.post<{ Body: { policy?: unknown; days?: unknown } }>(
    `${policies.path}/evaluate`,
    { preHandler: read, bodyLimit: 256 * 1024, schema: { tags } },
    async (request) => {
      const caller = callerOf(request);
      const body = (request.body ?? {}) as { policy?: unknown; days?: unknown };
      const days = body.days === undefined ? 30 : body.days;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 90) {
        throw new ApiError('BadRequest', 'days must be a whole number from 1 to 90.');
      }
      const checked = validatePolicy(body.policy, 'create');
      if ('error' in checked) {
        throw new ApiError('BadRequest', `policy.${checked.error.message}`);
      }
      const error = checkLocationReferences(
        checked.policy,
        await queries.list('named_locations', caller.tenantId),
      );
      if (error) throw new ApiError('BadRequest', `policy.${error.message}`);
      return policyWhatIf(deps.store, caller.tenantId, checked.policy, {
        days,
        now: new Date().toISOString(),
        enforceOutOfScope: enforcesOutOfScope(deps.config, caller.tenantId),
      });
    },
  );
}
