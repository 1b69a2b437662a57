import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.ts';
import type { GraphVersion, ShapeOptions } from './risk-shapes.ts';

/** The Graph versions Vigil serves, as URL prefixes. */
export const graphVersions: readonly GraphVersion[] = ['v1.0', 'beta'];

const INCLUDE_UNKNOWN = /(^|[\s,;])include-unknown-enum-members(\s*($|[,;]))/i;

/** Which Graph version a request addressed, from its URL prefix. */
export function versionOf(request: FastifyRequest): GraphVersion {
  return request.url.startsWith('/beta/') || request.url === '/beta' ? 'beta' : 'v1.0';
}

/**
 * How to render entities for this request. Evolvable enum members are named only when the client
 * sends `Prefer: include-unknown-enum-members`; the reply then says so in `Preference-Applied`.
 */
export function shapeOptionsOf(request: FastifyRequest, reply: FastifyReply): ShapeOptions {
  const includeUnknownEnumMembers = prefersUnknownEnumMembers(request);
  if (includeUnknownEnumMembers) reply.header('preference-applied', 'include-unknown-enum-members');
  return { version: versionOf(request), includeUnknownEnumMembers };
}

/** Whether the client sent `Prefer: include-unknown-enum-members` (among other preferences or not). */
export function prefersUnknownEnumMembers(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  if (prefer === undefined) return false;
  return Array.isArray(prefer) ? prefer.some((v) => INCLUDE_UNKNOWN.test(v)) : INCLUDE_UNKNOWN.test(prefer);
}

/** The service root a client reached, e.g. `https://vigil.example.com/v1.0`. */
export function serviceRootOf(request: FastifyRequest, config: Readonly<Config>): string {
  const origin = config.publicUrl ?? `${request.protocol}://${request.host}`;
  return `${origin}/${versionOf(request)}`;
}

/**
 * The `@odata.context` URL: `{root}/$metadata#{entitySet}` with the `$select`ed properties in
 * parentheses, and `/$entity` for a single entity.
 */
export function contextUrl(
  root: string,
  entitySet: string,
  select: readonly string[] | null,
  entity = false,
): string {
  const projection = select ? `(${select.join(',')})` : '';
  return `${root}/$metadata#${entitySet}${projection}${entity ? '/$entity' : ''}`;
}

/** Keeps only the `$select`ed properties of an entity (all of them when nothing was selected). */
export function project(
  entity: Record<string, unknown>,
  select: readonly string[] | null,
): Record<string, unknown> {
  if (!select) return entity;
  const out: Record<string, unknown> = {};
  for (const name of select) if (name in entity) out[name] = entity[name];
  return out;
}
