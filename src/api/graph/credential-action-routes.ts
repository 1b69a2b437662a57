import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { ApiError, assertThat } from '../../errors/api-error.ts';
import {
  type ActionOutcome,
  type CredentialActions,
  createCredentialActions,
} from '../../jobs/credential-actions.ts';
import { createDirectoryLinks } from '../../jobs/directory-links.ts';
import {
  federatedIdentityCredentialSchema,
  keyCredential,
  passwordCredential,
  withDirectoryRequests,
} from './entity-schemas.ts';
import { contextUrl, serviceRootOf } from './graph-request.ts';
import { actionActorOf, callerOf, type GraphRouteOptions } from './graph-route-options.ts';
import { objectRefOf } from './object-ref.ts';

const keyIdBody = Type.Object({
  keyId: Type.String(),
  proof: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

const tags = ['credentials'];

/**
 * Graph's credential actions on `/servicePrincipals/{id}` and `/applications/{id}` (also by
 * `(appId='…')`): addPassword, removePassword, addKey, removeKey, federated identity credentials,
 * and `PATCH` of a service principal's `accountEnabled`. Needs `Application.ReadWrite.All`.
 */
export async function credentialActionRoutes(
  app: FastifyInstance,
  options: GraphRouteOptions,
): Promise<void> {
  const { deps, requirePermission } = options;
  const write = requirePermission('Application.ReadWrite.All');
  const actions: CredentialActions = createCredentialActions({
    store: deps.store,
    directoryFor: createDirectoryLinks(deps.config.graphConnections),
  });

  const send = <T extends Record<string, unknown>>(
    request: FastifyRequest,
    reply: FastifyReply,
    entitySet: string,
    outcome: ActionOutcome<T>,
    status = 200,
  ) => {
    reply.header('vigil-directory', outcome.directory.applied ? 'applied' : 'not-connected');
    reply.code(status);
    return {
      '@odata.context': contextUrl(serviceRootOf(request, deps.config), entitySet, null, true),
      ...(outcome.directory.applied ? {} : { '@vigil.directoryRequests': outcome.directory.requests }),
      ...outcome.value,
    };
  };
  const noContent = (reply: FastifyReply, outcome: ActionOutcome<null>) => {
    reply.header('vigil-directory', outcome.directory.applied ? 'applied' : 'not-connected');
    return reply.code(204).send();
  };

  for (const [set, objectType] of [
    ['servicePrincipals', 'servicePrincipal'],
    ['applications', 'application'],
  ] as const) {
    const schema = (body: TSchema, response: Record<number, TSchema | null>) => ({
      tags,
      body,
      response: Object.fromEntries(Object.entries(response).map(([code, s]) => [code, s ?? Type.Null()])),
    });
    app.post<{ Params: { id: string }; Body: { passwordCredential?: Record<string, unknown> } }>(
      `/${set}/:id/addPassword`,
      {
        preHandler: write,
        schema: schema(
          Type.Object({ passwordCredential: Type.Optional(Type.Object({}, { additionalProperties: true })) }),
          {
            200: withDirectoryRequests(passwordCredential),
          },
        ),
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const p = request.body?.passwordCredential ?? {};
        const outcome = await actions.addPassword(
          caller.tenantId,
          objectType,
          objectRefOf(request.params.id),
          {
            displayName: stringOrNull(p.displayName, 'passwordCredential.displayName'),
            startDateTime: stringOrNull(p.startDateTime, 'passwordCredential.startDateTime'),
            endDateTime: stringOrNull(p.endDateTime, 'passwordCredential.endDateTime'),
          },
          actionActorOf(caller),
        );
        await options.onChange();
        return send(request, reply, 'microsoft.graph.passwordCredential', outcome);
      },
    );
    app.post<{ Params: { id: string }; Body: { keyId: string } }>(
      `/${set}/:id/removePassword`,
      { preHandler: write, schema: schema(keyIdBody, { 204: null }) },
      async (request, reply) => {
        const caller = callerOf(request);
        const outcome = await actions.removePassword(
          caller.tenantId,
          objectType,
          objectRefOf(request.params.id),
          request.body.keyId,
          actionActorOf(caller),
        );
        await options.onChange();
        return noContent(reply, outcome);
      },
    );
    app.post<{
      Params: { id: string };
      Body: { keyCredential: Record<string, unknown>; proof?: string | null };
    }>(
      `/${set}/:id/addKey`,
      {
        preHandler: write,
        schema: schema(
          Type.Object({
            keyCredential: Type.Object({}, { additionalProperties: true }),
            passwordCredential: Type.Optional(
              Type.Union([Type.Null(), Type.Object({}, { additionalProperties: true })]),
            ),
            proof: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          }),
          { 200: withDirectoryRequests(keyCredential) },
        ),
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const k = request.body.keyCredential;
        const outcome = await actions.addKey(
          caller.tenantId,
          objectType,
          objectRefOf(request.params.id),
          {
            keyCredential: {
              ...(typeof k.type === 'string' ? { type: k.type } : {}),
              ...(typeof k.usage === 'string' ? { usage: k.usage } : {}),
              ...(typeof k.key === 'string' ? { key: k.key } : {}),
              displayName: stringOrNull(k.displayName, 'keyCredential.displayName'),
            },
            proof: request.body.proof ?? null,
          },
          actionActorOf(caller),
        );
        await options.onChange();
        return send(request, reply, 'microsoft.graph.keyCredential', outcome);
      },
    );
    app.post<{ Params: { id: string }; Body: { keyId: string; proof?: string | null } }>(
      `/${set}/:id/removeKey`,
      { preHandler: write, schema: schema(keyIdBody, { 204: null }) },
      async (request, reply) => {
        const caller = callerOf(request);
        const outcome = await actions.removeKey(
          caller.tenantId,
          objectType,
          objectRefOf(request.params.id),
          request.body.keyId,
          request.body.proof ?? null,
          actionActorOf(caller),
        );
        await options.onChange();
        return noContent(reply, outcome);
      },
    );
  }

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/applications/:id/federatedIdentityCredentials',
    {
      preHandler: write,
      schema: {
        tags,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 201: withDirectoryRequests(federatedIdentityCredentialSchema) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const application = objectRefOf(request.params.id);
      const outcome = await actions.addFederatedCredential(
        caller.tenantId,
        application,
        request.body,
        actionActorOf(caller),
      );
      await options.onChange();
      const owner = await actions.ownerOf(caller.tenantId, 'application', application);
      return send(request, reply, `applications('${owner.id}')/federatedIdentityCredentials`, outcome, 201);
    },
  );
  app.delete<{ Params: { id: string; credentialId: string } }>(
    '/applications/:id/federatedIdentityCredentials/:credentialId',
    { preHandler: write, schema: { tags, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const caller = callerOf(request);
      const outcome = await actions.removeFederatedCredential(
        caller.tenantId,
        objectRefOf(request.params.id),
        request.params.credentialId,
        actionActorOf(caller),
      );
      await options.onChange();
      return noContent(reply, outcome);
    },
  );
  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/servicePrincipals/:id',
    {
      preHandler: write,
      schema: { tags, body: Type.Object({}, { additionalProperties: true }), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const others = Object.keys(body).filter((k) => k !== 'accountEnabled');
      if (others.length > 0) {
        throw new ApiError(
          'BadRequest',
          `Vigil changes only accountEnabled of a service principal; not: ${others.join(', ')}.`,
        );
      }
      assertThat(
        typeof body.accountEnabled === 'boolean',
        'BadRequest',
        'accountEnabled must be true or false.',
      );
      const outcome = await actions.setAccountEnabled(
        caller.tenantId,
        objectRefOf(request.params.id),
        body.accountEnabled,
        actionActorOf(caller),
      );
      await options.onChange();
      return noContent(reply, outcome);
    },
  );
}

function stringOrNull(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ApiError('BadRequest', `${field} must be a string.`);
  return value;
}
