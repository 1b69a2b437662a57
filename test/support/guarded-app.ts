import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiKeys } from '../../src/api/auth/api-keys.ts';
import { callerOf, createAuthenticator, createRequirePermission } from '../../src/api/auth/authenticate.ts';
import { createOidcVerifier, type OidcVerifierOptions } from '../../src/api/auth/oidc-verifier.ts';
import type { RateLimiter } from '../../src/api/auth/rate-limiter.ts';
import { installErrorHandling } from '../../src/api/error-handler.ts';
import type { OidcIssuerSettings } from '../../src/config/schema.ts';

/** Where the guarded app's routes live, by the permission each demands. */
export const guardedRoutes = {
  read: '/v1.0/identityProtection/riskyServicePrincipals',
  dismiss: '/v1.0/identityProtection/riskyServicePrincipals/dismiss',
  detections: '/v1.0/identityProtection/servicePrincipalRiskDetections',
} as const;

/** What the guarded routes answer: the caller, permissions as a sorted list. */
export interface CallerView {
  tenantId: string;
  kind: string;
  actorId: string;
  actor: Record<string, unknown>;
  roles: string[];
  permissions: string[];
}

/** A key store that knows no key, for apps tested with JWTs only. */
export const noKeys: Pick<ApiKeys, 'verify'> = { verify: async () => ({ failure: 'unknown' }) };

/**
 * A small app with the real error handling and three routes guarded like the Graph routes are
 * (read risk, dismiss risk, read detections), each answering with the caller it saw.
 */
export async function buildGuardedApp(options: {
  keys?: Pick<ApiKeys, 'verify'>;
  issuers?: readonly OidcIssuerSettings[];
  rateLimiter?: RateLimiter | null;
  oidc?: OidcVerifierOptions;
}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  const requirePermission = createRequirePermission({
    authenticator: createAuthenticator({
      keys: options.keys ?? noKeys,
      oidc: createOidcVerifier(options.issuers ?? [], options.oidc),
    }),
    rateLimiter: options.rateLimiter ?? null,
  });
  const view = (request: Parameters<typeof callerOf>[0]): CallerView => {
    const c = callerOf(request);
    return {
      tenantId: c.tenantId,
      kind: c.kind,
      actorId: c.actorId,
      actor: { ...c.actor },
      roles: [...c.roles].sort(),
      permissions: [...c.permissions].sort(),
    };
  };
  app.get(
    guardedRoutes.read,
    { preHandler: requirePermission('IdentityRiskyServicePrincipal.Read.All') },
    view,
  );
  app.post(
    guardedRoutes.dismiss,
    { preHandler: requirePermission('IdentityRiskyServicePrincipal.ReadWrite.All') },
    view,
  );
  app.get(guardedRoutes.detections, { preHandler: requirePermission('IdentityRiskEvent.Read.All') }, view);
  await app.ready();
  return app;
}
