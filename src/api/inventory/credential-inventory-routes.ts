import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import { credentialInventory } from '../../jobs/credential-inventory.ts';
import type { Store } from '../../store/open-store.ts';
import { callerOf } from '../auth/authenticate.ts';
import { orNull } from '../graph/entity-schemas.ts';
import { resourceNotFound } from '../graph/graph-route-options.ts';

const nstr = orNull(Type.String());

const inventorySchema = Type.Object({
  servicePrincipalId: Type.String(),
  appId: nstr,
  applicationId: nstr,
  generatedDateTime: Type.String(),
  value: Type.Array(
    Type.Object({
      objectType: Type.String(),
      objectId: Type.String(),
      keyId: Type.String(),
      type: Type.String(),
      displayName: nstr,
      hint: nstr,
      thumbprint: nstr,
      startDateTime: nstr,
      endDateTime: nstr,
      addedDateTime: nstr,
      addedBy: nstr,
      removedDateTime: nstr,
      removedBy: nstr,
      lastUsedDateTime: nstr,
      signIns: Type.Integer(),
      status: Type.String(),
    }),
  ),
});

/**
 * `GET /vigil/servicePrincipals/{id}/credentials`: Vigil's credential inventory of a principal and
 * its application — Graph has no such view — with who added each credential, its last use and its
 * status.
 */
export async function credentialInventoryRoutes(
  app: FastifyInstance,
  options: { store: Store; requireRead: preHandlerAsyncHookHandler },
): Promise<void> {
  app.get<{ Params: { id: string } }>(
    '/vigil/servicePrincipals/:id/credentials',
    { preHandler: options.requireRead, schema: { tags: ['inventory'], response: { 200: inventorySchema } } },
    async (request) => {
      const caller = callerOf(request);
      const found = await credentialInventory(
        options.store,
        caller.tenantId,
        request.params.id.toLowerCase(),
        new Date().toISOString(),
      );
      if (!found) throw resourceNotFound(request.params.id);
      return found;
    },
  );
}
