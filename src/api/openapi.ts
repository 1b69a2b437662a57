import swagger from '@fastify/swagger';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';

/**
 * Registers the OpenAPI generator. It must be registered before the routes it describes: it
 * collects each route's schemas (the same ones that validate requests and serialise responses).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil',
        version,
        description:
          'Identity protection for workload identities. The Graph-compatible routes speak Microsoft Graph’s ' +
          'wire format under /v1.0 and /beta.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
}

/** `GET /openapi.json`: the generated description, for any authenticated caller. */
export function openApiRoute(app: FastifyInstance, authenticated: preHandlerAsyncHookHandler): void {
  app.get('/openapi.json', { preHandler: authenticated, schema: { hide: true } }, async () => app.swagger());
}
