import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.ts';
import type { Permission } from '../auth/permissions.ts';
import type { CollectionSource } from '../graph/collection-source.ts';
import { callerOf, type GraphRouteOptions } from '../graph/graph-route-options.ts';
import type { ShapeOptions } from '../graph/risk-shapes.ts';
import { riskyServicePrincipalsSource } from '../graph/risky-service-principals.ts';
import { riskDetectionsSource } from '../graph/service-principal-risk-detections.ts';
import { csvRow } from './csv-cell.ts';
import { checkWalkQuery, type WalkQuery, walkCollection } from './walk-collection.ts';

/** One CSV column: its header and how it reads from the Graph entity. */
export interface CsvColumn {
  header: string;
  value: (entity: Record<string, unknown>) => unknown;
}

const field =
  (name: string) =>
  (e: Record<string, unknown>): unknown =>
    e[name];

/** The risky workload identities table's columns, plus the object id a script would need. */
export const riskyServicePrincipalColumns: readonly CsvColumn[] = [
  { header: 'Name', value: field('displayName') },
  { header: 'Object ID', value: field('id') },
  { header: 'App ID', value: field('appId') },
  { header: 'Type', value: field('servicePrincipalType') },
  { header: 'Risk level', value: field('riskLevel') },
  { header: 'Risk state', value: field('riskState') },
  { header: 'Risk detail', value: field('riskDetail') },
  { header: 'Risk last updated', value: field('riskLastUpdatedDateTime') },
  { header: 'Enabled', value: field('isEnabled') },
];

/** The workload identity detections table's columns, plus the ids a script would need. */
export const riskDetectionColumns: readonly CsvColumn[] = [
  { header: 'Detected', value: field('detectedDateTime') },
  { header: 'Activity time', value: field('activityDateTime') },
  { header: 'Detection type', value: field('riskEventType') },
  { header: 'Risk level', value: field('riskLevel') },
  { header: 'Risk state', value: field('riskState') },
  { header: 'Principal', value: field('servicePrincipalDisplayName') },
  { header: 'Principal ID', value: field('servicePrincipalId') },
  { header: 'IP address', value: field('ipAddress') },
  {
    header: 'Location',
    value: (e) => {
      const l = e.location as { city?: string | null; countryOrRegion?: string | null } | null;
      return l ? [l.city, l.countryOrRegion].filter(Boolean).join(', ') : null;
    },
  },
  { header: 'Credential key IDs', value: field('keyIds') },
  { header: 'Detection ID', value: field('id') },
];

// People read a CSV, so evolvable enum members are named (no `unknownFutureValue`).
const SHAPE: ShapeOptions = { version: 'v1.0', includeUnknownEnumMembers: true };
// Excel reads a UTF-8 CSV as UTF-8 only when it starts with a byte order mark.
const BOM = '\uFEFF';

/**
 * `GET /vigil/csv/riskyServicePrincipals` and `/vigil/csv/servicePrincipalRiskDetections`: the
 * Graph collections as CSV downloads, with the same `$filter` and `$orderby`, the same permission,
 * and rows streamed while the collection is walked page by page.
 */
export async function csvRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const route = <Row>(
    name: string,
    source: CollectionSource<Row>,
    columns: readonly CsvColumn[],
    permission: Permission,
  ) => {
    app.get(
      `/vigil/csv/${name}`,
      { preHandler: requirePermission(permission), schema: { tags: ['csv'] } },
      async (request, reply) => {
        const query = walkQueryOf(request);
        checkWalkQuery(source, query);
        const tenantId = callerOf(request).tenantId;
        async function* lines(): AsyncGenerator<string> {
          yield BOM + csvRow(columns.map((c) => c.header));
          for await (const entity of walkCollection(source, deps, tenantId, query, SHAPE)) {
            yield csvRow(columns.map((c) => c.value(entity)));
          }
        }
        const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
        return reply
          .header('content-type', 'text/csv; charset=utf-8; header=present')
          .header('content-disposition', `attachment; filename="${name}-${stamp}.csv"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(lines()));
      },
    );
  };
  route(
    'riskyServicePrincipals',
    riskyServicePrincipalsSource,
    riskyServicePrincipalColumns,
    'IdentityRiskyServicePrincipal.Read.All',
  );
  route(
    'servicePrincipalRiskDetections',
    riskDetectionsSource,
    riskDetectionColumns,
    'IdentityRiskEvent.Read.All',
  );
}

/** `$filter` and `$orderby` only: paging and projection belong to the download itself. */
function walkQueryOf(request: FastifyRequest): WalkQuery {
  const query = request.query as Record<string, unknown>;
  const out: WalkQuery = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('$')) continue;
    const name = key.slice(1).toLowerCase();
    if (name !== 'filter' && name !== 'orderby') {
      throw new ApiError('BadRequest', `The query option '${key}' is not supported on a CSV download.`);
    }
    if (typeof value !== 'string') {
      throw new ApiError('BadRequest', `The query option '$${name}' is given more than once.`);
    }
    out[`$${name}`] = value;
  }
  return out;
}
