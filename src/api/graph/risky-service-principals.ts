import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, RiskHistoryTable, RiskyPrincipalTable } from '../../store/schema.ts';
import type { QueryModel } from '../odata/query-model.ts';
import { type CollectionSource, type GraphDeps, getEntity, listCollection } from './collection-source.ts';
import {
  collectionOf,
  historyItemSchema,
  riskyServicePrincipalSchema,
  servicePrincipalIdsBody,
  singleOf,
} from './entity-schemas.ts';
import { riskDetails, riskLevels, riskStates } from './graph-enums.ts';
import { actionActorOf, callerOf, type GraphRouteOptions, resourceNotFound } from './graph-route-options.ts';
import { createRiskActions } from './risk-actions.ts';
import {
  historyItemJson,
  type PrincipalColumns,
  principalColumns,
  riskyServicePrincipalJson,
} from './risk-shapes.ts';

type RiskyRow = RiskyPrincipalTable & PrincipalColumns;
type HistoryRow = RiskHistoryTable & PrincipalColumns;

const riskProperties = {
  riskLevel: { kind: 'scalar', type: 'enum', members: riskLevels, filter: ['eq', 'ne', 'in'], sort: true },
  riskState: { kind: 'scalar', type: 'enum', members: riskStates, filter: ['eq', 'ne', 'in'], sort: true },
  riskDetail: { kind: 'scalar', type: 'enum', members: riskDetails, filter: ['eq', 'ne', 'in'] },
} as const;

const principalProperties = {
  appId: {
    kind: 'scalar',
    type: 'guid',
    column: 'sp.app_id',
    nullable: true,
    filter: ['eq', 'ne', 'in'],
    sort: true,
  },
  displayName: {
    kind: 'scalar',
    type: 'string',
    column: 'sp.display_name',
    nullable: true,
    filter: ['eq', 'ne', 'in', 'startswith', 'endswith', 'contains'],
    sort: true,
  },
  isEnabled: { kind: 'scalar', type: 'boolean', column: 'sp.account_enabled', filter: ['eq', 'ne'] },
  accountEnabled: { kind: 'scalar', type: 'boolean', column: 'sp.account_enabled', filter: ['eq', 'ne'] },
  servicePrincipalType: {
    kind: 'scalar',
    type: 'string',
    column: 'sp.service_principal_type',
    nullable: true,
    filter: ['eq', 'ne', 'in'],
    sort: true,
  },
} as const;

const selectableRisk = [
  'id',
  'appId',
  'displayName',
  'isEnabled',
  'accountEnabled',
  'isProcessing',
  'riskLastUpdatedDateTime',
  'riskLevel',
  'riskState',
  'riskDetail',
  'servicePrincipalType',
];

/** `riskyServicePrincipals`: filterable and sortable by risk, time and the principal's names. */
export const riskyServicePrincipalsModel: QueryModel = {
  name: 'riskyServicePrincipals',
  properties: {
    id: { kind: 'scalar', type: 'guid', column: 'r.principal_id', filter: ['eq', 'ne', 'in'], sort: true },
    riskLevel: { ...riskProperties.riskLevel, column: 'r.risk_level' },
    riskState: { ...riskProperties.riskState, column: 'r.risk_state' },
    riskDetail: { ...riskProperties.riskDetail, column: 'r.risk_detail' },
    riskLastUpdatedDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'r.risk_last_updated_date_time',
      nullable: true,
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
    ...principalProperties,
  },
  key: { property: 'id', column: 'r.principal_id' },
  // Most recently changed first, as the portal lists them; new risk lands on the first page.
  defaultOrder: [{ property: 'riskLastUpdatedDateTime', descending: true }],
  selectable: selectableRisk,
  defaultTop: 100,
  maxTop: 500,
};

/** The tenant's risky service principals with their inventory names. */
export const riskyServicePrincipalsSource: CollectionSource<RiskyRow> = {
  entitySet: 'identityProtection/riskyServicePrincipals',
  model: riskyServicePrincipalsModel,
  rows: (db, tenantId) =>
    db
      .selectFrom('risky_principals as r')
      .leftJoin('service_principals as sp', (j) =>
        j.onRef('sp.tenant_id', '=', 'r.tenant_id').onRef('sp.id', '=', 'r.principal_id'),
      )
      .select(principalColumns)
      .select([
        'r.tenant_id',
        'r.principal_id',
        'r.risk_level',
        'r.risk_state',
        'r.risk_detail',
        'r.risk_last_updated_date_time',
      ])
      .where('r.tenant_id', '=', tenantId),
  toJson: (row, o) => riskyServicePrincipalJson(row, row, o),
  // Risk, and the inventory names joined to it.
  changesWith: ['risk_version', 'directory_version'],
};

/** A principal's risk history, newest first. */
export const historyModel: QueryModel = {
  name: 'history',
  properties: {
    id: { kind: 'scalar', type: 'string', column: 'h.id', filter: ['eq', 'in'], sort: true },
    riskLevel: { ...riskProperties.riskLevel, column: 'h.risk_level' },
    riskState: { ...riskProperties.riskState, column: 'h.risk_state' },
    riskDetail: { ...riskProperties.riskDetail, column: 'h.risk_detail' },
    riskLastUpdatedDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'h.risk_last_updated_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      sort: true,
    },
    initiatedBy: { kind: 'scalar', type: 'string', column: 'h.initiated_by', filter: ['eq', 'ne', 'in'] },
  },
  key: { property: 'id', column: 'h.id' },
  defaultOrder: [{ property: 'riskLastUpdatedDateTime', descending: true }],
  selectable: [...selectableRisk, 'servicePrincipalId', 'initiatedBy', 'activity'],
  defaultTop: 100,
  maxTop: 500,
};

/** Every risk history item of the tenant with its principal's inventory names. */
export function historyRows(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('risk_history as h')
    .leftJoin('service_principals as sp', (j) =>
      j.onRef('sp.tenant_id', '=', 'h.tenant_id').onRef('sp.id', '=', 'h.principal_id'),
    )
    .select(principalColumns)
    .selectAll('h')
    .where('h.tenant_id', '=', tenantId);
}

function historySource(principalId: string): CollectionSource<HistoryRow> {
  return {
    entitySet: `identityProtection/riskyServicePrincipals('${principalId}')/history`,
    model: historyModel,
    rows: (db, tenantId) => historyRows(db, tenantId).where('h.principal_id', '=', principalId),
    toJson: (row, o) => historyItemJson(row, row, o),
    changesWith: ['risk_version', 'directory_version'],
  };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The risky service principal routes: list, get, history, confirm compromised, dismiss. */
export async function riskyServicePrincipalRoutes(
  app: FastifyInstance,
  options: GraphRouteOptions,
): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('IdentityRiskyServicePrincipal.Read.All');
  const write = requirePermission('IdentityRiskyServicePrincipal.ReadWrite.All');
  const actions = createRiskActions(deps.store);
  const base = '/identityProtection/riskyServicePrincipals';
  const tags = ['identityProtection'];

  app.get(
    base,
    { preHandler: read, schema: { tags, response: { 200: collectionOf(riskyServicePrincipalSchema) } } },
    async (request, reply) =>
      listCollection(riskyServicePrincipalsSource, deps, request, reply, callerOf(request).tenantId),
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    { preHandler: read, schema: { tags, response: { 200: singleOf(riskyServicePrincipalSchema) } } },
    async (request, reply) =>
      getEntity(
        riskyServicePrincipalsSource,
        deps,
        request,
        reply,
        callerOf(request).tenantId,
        request.params.id,
      ),
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id/history`,
    { preHandler: read, schema: { tags, response: { 200: collectionOf(historyItemSchema) } } },
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const id = request.params.id.toLowerCase();
      await assertKnown(deps, tenantId, id);
      return listCollection(historySource(id), deps, request, reply, tenantId);
    },
  );
  for (const verb of ['confirmCompromised', 'dismiss'] as const) {
    app.post<{ Body: { servicePrincipalIds: string[] } }>(
      `${base}/${verb}`,
      { preHandler: write, bodyLimit: 64 * 1024, schema: { tags, body: servicePrincipalIdsBody } },
      async (request, reply) => {
        const caller = callerOf(request);
        const ids = request.body.servicePrincipalIds;
        // Checked before anything changes: a request naming an unknown principal changes nothing,
        // so a script can fix its list and send it again.
        const unknown = await actions.unknownIds(caller.tenantId, ids);
        if (unknown.length > 0) throw resourceNotFound(unknown.join("', '"));
        await actions[verb](caller.tenantId, ids, actionActorOf(caller));
        // The next access decision must see the new risk, not the next poll's.
        await options.onChange();
        return reply.code(204).send();
      },
    );
  }
}

async function assertKnown(deps: GraphDeps, tenantId: string, id: string): Promise<void> {
  if (!GUID.test(id)) throw resourceNotFound(id);
  const db = deps.store.db;
  const [risky, principal] = await Promise.all([
    db
      .selectFrom('risky_principals')
      .select('principal_id')
      .where('tenant_id', '=', tenantId)
      .where('principal_id', '=', id)
      .executeTakeFirst(),
    db
      .selectFrom('service_principals')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst(),
  ]);
  if (!risky && !principal) throw resourceNotFound(id);
}
