import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.ts';
import type { createApiKeys, KeyPrincipal } from './api-keys.ts';
import { type Permission, roleGrants } from './roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for, once `requirePermission` has run. */
    principal?: KeyPrincipal;
  }
}

/** Builds a pre-handler that demands a valid bearer key granting `permission`. */
export function createRequirePermission(keys: ReturnType<typeof createApiKeys>) {
  return (permission: Permission) =>
    async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const header = request.headers.authorization;
      const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!m) throw new ApiError('InvalidAuthenticationToken', 'Access token is empty.');
      const principal = await keys.verify(m[1]!);
      if (!principal)
        throw new ApiError(
          'InvalidAuthenticationToken',
          'Access token validation failure. Invalid or revoked key.',
        );
      if (!roleGrants(principal.role, permission)) {
        throw new ApiError(
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      }
      request.principal = principal;
    };
}
