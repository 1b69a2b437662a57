import { type CollectionSource, type GraphDeps, readPage } from '../graph/collection-source.ts';
import type { ShapeOptions } from '../graph/risk-shapes.ts';
import { parseQueryOptions, type QueryOptions } from '../odata/parse-query-options.ts';

/** The OData options a walk may take: the ones that choose rows and their order. */
export interface WalkQuery {
  $filter?: string;
  $orderby?: string;
}

/**
 * Checks a walk's options against the source's model before anything is sent, so a bad `$filter`
 * is a 400 in Graph's envelope rather than a broken download.
 */
export function checkWalkQuery<Row>(source: CollectionSource<Row>, query: WalkQuery): QueryOptions {
  return parseQueryOptions(walkOptions(source, query), source.model);
}

/**
 * Every entity of the collection that matches the query, in its order, read page by page with the
 * same keyset paging as `@odata.nextLink` (the largest page the collection allows), so a download
 * of 100,000 rows holds one page in memory and each page costs the same.
 */
export async function* walkCollection<Row>(
  source: CollectionSource<Row>,
  deps: GraphDeps,
  tenantId: string,
  query: WalkQuery,
  shape: ShapeOptions,
): AsyncGenerator<Record<string, unknown>> {
  let skipToken: string | null = null;
  do {
    const options = parseQueryOptions(
      { ...walkOptions(source, query), ...(skipToken === null ? {} : { $skiptoken: skipToken }) },
      source.model,
    );
    const page = await readPage(source, deps, tenantId, options);
    for (const row of page.rows) yield source.toJson(row, shape);
    skipToken = page.skipToken;
  } while (skipToken !== null);
}

function walkOptions<Row>(source: CollectionSource<Row>, query: WalkQuery): Record<string, string> {
  const options: Record<string, string> = { $top: String(source.model.maxTop) };
  if (query.$filter !== undefined && query.$filter !== '') options.$filter = query.$filter;
  if (query.$orderby !== undefined && query.$orderby !== '') options.$orderby = query.$orderby;
  return options;
}
