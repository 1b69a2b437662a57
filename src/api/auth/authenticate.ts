import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../../errors/api-error.ts';
import type { ApiKeys } from './api-keys.ts';
import type { Caller } from './caller.ts';
import type { OidcVerifier } from './oidc-verifier.ts';
import type { Permission } from './permissions.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { isRole, permissionsOfRoles } from './roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for, once `requirePermission` has run. */
    caller?: Caller;
  }
}

/** Turns an `Authorization` header into the caller it speaks for. */
export interface Authenticator {
  /** The caller; throws `InvalidAuthenticationToken` saying why not (or `ServiceUnavailable`). */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

/** Where bearer tokens are checked: Vigil API keys, and JWTs of the configured OIDC issuers. */
export interface AuthenticatorOptions {
  keys: Pick<ApiKeys, 'verify'>;
  oidc: OidcVerifier;
}

const BEARER = /^Bearer(?:[ \t]+(.*))?$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const KEY_FAILURES = {
  malformed: 'Access token validation failure. The API key is malformed.',
  unknown: 'Access token validation failure. Invalid API key.',
  revoked: 'Access token validation failure. The API key has been revoked.',
} as const;

function unauthenticated(message: string): ApiError {
  return new ApiError('InvalidAuthenticationToken', message);
}

/** Reads `Bearer <token>`: `vigil_…` tokens are API keys, three dot-separated parts a JWT. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { keys, oidc } = options;
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '')
        throw unauthenticated('Access token is empty.');
      const m = BEARER.exec(authorization.trim());
      if (!m) throw unauthenticated("The Authorization header must use the Bearer scheme: 'Bearer <token>'.");
      const token = m[1]?.trim() ?? '';
      if (token === '') throw unauthenticated('Access token is empty.');
      if (token.startsWith('vigil_')) {
        const checked = await keys.verify(token);
        if ('failure' in checked) throw unauthenticated(KEY_FAILURES[checked.failure]);
        const { keyId, tenantId, name, role } = checked.principal;
        // A role this version does not know (stored by a newer one) grants nothing rather than failing.
        const roles = isRole(role) ? [role] : [];
        return {
          tenantId,
          kind: 'apiKey',
          actorId: `apiKey:${keyId}`,
          actor: { type: 'app', id: `apiKey:${keyId}`, displayName: name },
          roles,
          permissions: permissionsOfRoles(roles),
        };
      }
      if (JWT_SHAPE.test(token)) return oidc.verify(token);
      throw unauthenticated(
        'Access token validation failure. The token is neither a Vigil API key nor a well-formed JWT.',
      );
    },
  };
}

/** What guards the API's routes. */
export interface RequirePermissionOptions {
  authenticator: Authenticator;
  /** Limits requests per caller (unauthenticated ones per client address); null for no limit. */
  rateLimiter: RateLimiter | null;
}

/** Builds a pre-handler that demands a valid bearer token granting `permission` (null: any caller). */
export function createRequirePermission(options: RequirePermissionOptions) {
  const { authenticator, rateLimiter } = options;
  const throttle = (reply: FastifyReply, kind: 'ip' | 'caller', id: string): void => {
    if (rateLimiter === null) return;
    const wait = rateLimiter.take(`${kind}:${id}`);
    if (wait === 0) return;
    reply.header('retry-after', String(wait));
    throw new ApiError('TooManyRequests', `Too many requests. Retry after ${wait} seconds.`);
  };
  return (permission: Permission | null): preHandlerAsyncHookHandler =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      let caller: Caller;
      try {
        caller = await authenticator.authenticate(request.headers.authorization);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'InvalidAuthenticationToken') {
          // Failed attempts count against the client's address, so guessing is throttled too.
          throttle(reply, 'ip', request.ip);
          reply.header(
            'www-authenticate',
            request.headers.authorization
              ? 'Bearer realm="vigil", error="invalid_token"'
              : 'Bearer realm="vigil"',
          );
        } else if (err instanceof ApiError && err.code === 'ServiceUnavailable') {
          request.log.warn({ err: err.cause }, 'an OIDC issuer’s signing keys could not be fetched');
        }
        throw err;
      }
      throttle(reply, 'caller', caller.actorId);
      if (permission !== null && !caller.permissions.has(permission)) {
        throw new ApiError(
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      }
      request.caller = caller;
    };
}

/** The caller of a request guarded by `requirePermission`; a route without the guard is a bug. */
export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === undefined)
    throw new Error(`route ${request.routeOptions.url} has no permission guard`);
  return request.caller;
}
