import type { ObjectRef } from '../../jobs/credential-actions.ts';
import type { Store } from '../../store/open-store.ts';
import { resourceNotFound } from './graph-route-options.ts';

/** `(appId='…')` as a path segment of its own, once the URL rewrite made it one. */
const APP_ID_SEGMENT = /^appId=(.+)$/;

/**
 * The object a path segment names: an object id, or an app id (`/servicePrincipals(appId='…')` is
 * rewritten to `/servicePrincipals/appId=…` before routing, see `rewriteAppIdKeys`).
 */
export function objectRefOf(segment: string): ObjectRef {
  const m = APP_ID_SEGMENT.exec(segment);
  return m ? { appId: decodeURIComponent(m[1]!).toLowerCase() } : { id: segment.toLowerCase() };
}

/** Turns Graph's alternate-key form `(appId='…')` into a path segment the router can match. */
export function rewriteAppIdKeys(url: string): string {
  if (!url.includes('(appId=')) return url;
  return url.replace(
    /\/(servicePrincipals|applications)\(appId=(?:'|%27)([^'/%)]+)(?:'|%27)\)/,
    (_m, set: string, appId: string) => `/${set}/appId=${appId}`,
  );
}

/** The object id a segment names, looking an app id up; 404 when the tenant has no such object. */
export async function objectIdOf(
  store: Store,
  table: 'service_principals' | 'applications',
  tenantId: string,
  segment: string,
): Promise<string> {
  const ref = objectRefOf(segment);
  if ('id' in ref) return ref.id;
  const row = await store.db
    .selectFrom(table)
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('app_id', '=', ref.appId)
    .executeTakeFirst();
  if (row === undefined) throw resourceNotFound(`appId='${ref.appId}'`);
  return row.id;
}
