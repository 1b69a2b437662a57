import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../errors/api-error.ts';
import { createDirectoryConnections } from '../../jobs/directory-links.ts';
import { createRemediation, type RemediationPlanView } from '../../jobs/remediation.ts';
import { orNull } from './entity-schemas.ts';
import { serviceRootOf } from './graph-request.ts';
import { actionActorOf, callerOf, type GraphRouteOptions } from './graph-route-options.ts';

// Remediation is Vigil's own (Graph has none): a plan beside the risky service principal it
// remediates, in Graph's envelope (`@odata.context`, error shape).

const str = Type.String();
const nstr = orNull(Type.String());
const open = (properties: Parameters<typeof Type.Object>[0]) =>
  Type.Object(properties, { additionalProperties: true });

const stepSchema = open({
  name: str,
  title: str,
  state: str,
  optional: Type.Boolean(),
  detail: str,
  completedDateTime: nstr,
  completedBy: nstr,
  credentials: Type.Optional(Type.Array(open({ keyId: str, type: str, objectType: str, objectId: str }))),
  newCredentials: Type.Optional(Type.Array(open({ keyId: str, type: str }))),
  keyVault: Type.Optional(
    open({ signIns: Type.Integer(), lastSignInDateTime: nstr, rotations: Type.Array(open({})) }),
  ),
  directoryRequests: Type.Optional(Type.Array(str)),
});

const planSchema = Type.Object({
  '@odata.context': str,
  id: str,
  servicePrincipalId: str,
  state: str,
  createdDateTime: str,
  createdBy: str,
  completedDateTime: nstr,
  firstDetectionDateTime: nstr,
  directoryConnected: Type.Boolean(),
  steps: Type.Array(stepSchema),
});

const noteBody = Type.Object({ note: Type.Optional(orNull(Type.String({ maxLength: 1000 }))) });

/**
 * Guided remediation of a risky service principal: `POST …/{id}/remediation` starts a plan (or
 * returns the one in progress), `GET` reads it, steps are marked complete or skipped, Key Vault
 * secrets rotated. Reading needs `IdentityRiskyServicePrincipal.Read.All`; acting, since a completed
 * plan changes the principal's risk, `IdentityRiskyServicePrincipal.ReadWrite.All`.
 */
export async function remediationRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps, requirePermission } = options;
  const read = requirePermission('IdentityRiskyServicePrincipal.Read.All');
  const write = requirePermission('IdentityRiskyServicePrincipal.ReadWrite.All');
  const remediation = createRemediation({
    store: deps.store,
    connectionFor: createDirectoryConnections(deps.config.graphConnections),
  });
  const tags = ['remediation'];
  const base = '/identityProtection/riskyServicePrincipals/:id/remediation';

  const view = (request: FastifyRequest, plan: RemediationPlanView) => ({
    '@odata.context': `${serviceRootOf(request, deps.config)}/$metadata#identityProtection/riskyServicePrincipals('${plan.servicePrincipalId}')/remediation/$entity`,
    ...plan,
  });
  const actorOf = (request: FastifyRequest) => actionActorOf(callerOf(request));

  app.post<{ Params: { id: string } }>(
    base,
    { preHandler: write, schema: { tags, response: { 200: planSchema, 201: planSchema } } },
    async (request, reply) => {
      const { plan, created } = await remediation.start(
        callerOf(request).tenantId,
        request.params.id,
        actorOf(request),
      );
      await options.onChange();
      reply.code(created ? 201 : 200);
      return view(request, plan);
    },
  );
  app.get<{ Params: { id: string } }>(
    base,
    { preHandler: read, schema: { tags, response: { 200: planSchema } } },
    async (request) => {
      const plan = await remediation.get(callerOf(request).tenantId, request.params.id);
      if (plan === null) {
        throw new ApiError(
          'Request_ResourceNotFound',
          `Service principal ${request.params.id} has no remediation plan.`,
        );
      }
      await options.onChange();
      return view(request, plan);
    },
  );
  for (const how of ['complete', 'skip'] as const) {
    app.post<{ Params: { id: string; step: string }; Body: { note?: string | null } | undefined }>(
      `${base}/steps/:step/${how}`,
      { preHandler: write, schema: { tags, body: Type.Optional(noteBody), response: { 200: planSchema } } },
      async (request) => {
        const plan = await remediation.mark(
          callerOf(request).tenantId,
          request.params.id,
          request.params.step,
          how,
          actorOf(request),
          request.body?.note ?? null,
        );
        await options.onChange();
        return view(request, plan);
      },
    );
  }
  app.post<{ Params: { id: string }; Body: { vaultUrl?: unknown; secretNames?: unknown } }>(
    `${base}/rotateKeyVaultSecrets`,
    {
      preHandler: write,
      schema: {
        tags,
        body: Type.Object({ vaultUrl: str, secretNames: Type.Array(str, { maxItems: 25 }) }),
        response: {
          200: Type.Object({
            rotated: Type.Array(Type.Object({ vaultUrl: str, secretName: str, versionId: str })),
            directoryRequests: Type.Array(str),
            plan: planSchema,
          }),
        },
      },
    },
    async (request) => {
      const outcome = await remediation.rotateSecrets(
        callerOf(request).tenantId,
        request.params.id,
        request.body,
        actorOf(request),
      );
      await options.onChange();
      return { ...outcome, plan: view(request, outcome.plan) };
    },
  );
}
