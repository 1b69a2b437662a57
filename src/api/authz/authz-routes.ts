import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  LogLevel,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../errors/api-error.ts';
import { callerOf } from '../auth/authenticate.ts';
import { claimText, type JwtVerifier } from '../auth/jwt-verifier.ts';
import { clientAddress, type TrustedProxies } from './client-address.ts';
import type { createDecisionPoint } from './decision-point.ts';
import { type DecisionResult, tokenKey } from './decision-point.ts';

/** What the decision routes are built from. */
export interface AuthzRouteOptions {
  decisions: ReturnType<typeof createDecisionPoint>;
  /** Verifies workload tokens; null when no workload issuer is configured. */
  workloadTokens: JwtVerifier | null;
  proxies: TrustedProxies;
  requireDecide: preHandlerAsyncHookHandler;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// `appidacr` (v1) / `azpacr` (v2): how the client proved itself when it got the token.
const CREDENTIAL_OF_ACR: Readonly<Record<string, string>> = {
  '0': 'none',
  '1': 'clientSecret',
  '2': 'certificate',
};

const decisionBody = Type.Object(
  {
    servicePrincipalId: Type.String({ pattern: GUID.source }),
    appId: Type.Optional(Type.Union([Type.String({ pattern: GUID.source }), Type.Null()])),
    ipAddress: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    resourceAppId: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    managedIdentity: Type.Optional(Type.Boolean()),
    record: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const appliedPolicy = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  enforcedGrantControls: Type.Array(Type.String()),
  enforcedSessionControls: Type.Array(Type.String()),
  result: Type.String(),
  conditionsSatisfied: Type.Optional(Type.String()),
  conditionsNotSatisfied: Type.Optional(Type.String()),
});

const decisionResponse = Type.Object({
  allow: Type.Boolean(),
  conditionalAccessStatus: Type.String(),
  appliedConditionalAccessPolicies: Type.Array(appliedPolicy),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  servicePrincipalId: Type.String(),
  riskLevel: Type.String(),
  riskState: Type.String(),
});

const NOT_HEADER_SAFE = /[^\x20-\x7e]/;

/** Header values are ASCII: a reason with other characters is transliterated where simple. */
function headerText(text: string): string {
  // Most reasons are plain ASCII already: one scan instead of three rewrites on every decision.
  if (!NOT_HEADER_SAFE.test(text)) return text;
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\x20-\x7e]/g, '?');
}

function sendDecision(reply: FastifyReply, r: DecisionResult): FastifyReply {
  return reply
    .header('x-vigil-decision', r.decision.allow ? 'allow' : 'block')
    .header('x-vigil-policy', r.decision.decidedBy ?? 'none')
    .header('x-vigil-reason', headerText(r.decision.reason))
    .header('cache-control', 'no-store');
}

/**
 * The decision routes' own log level: warnings and errors when the server logs at info. A gateway
 * asks once per request it proxies, so an info line per request in and out would log every proxied
 * request twice and cost a fifth of a decision's CPU; each decision is on the record as a sign-in
 * instead. At debug or trace (someone asked to see everything) and at quieter levels the routes
 * log as the server does.
 */
function decisionLogLevel(app: FastifyInstance): { logLevel?: LogLevel } {
  return app.log.level === 'info' ? { logLevel: 'warn' } : {};
}

/**
 * `GET /authz/nginx` for nginx `auth_request` (the workload's own bearer token decides), and
 * `POST /authz/decisions` for gateways that ask with a Vigil key.
 */
export async function authzRoutes(app: FastifyInstance, options: AuthzRouteOptions): Promise<void> {
  const { decisions, workloadTokens, proxies } = options;
  const logging = decisionLogLevel(app);

  app.get(
    '/authz/nginx',
    { schema: { tags: ['authz'] }, ...logging },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization;
      const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!m) {
        reply.header('www-authenticate', 'Bearer realm="vigil"');
        throw new ApiError('InvalidAuthenticationToken', 'Access token is empty.');
      }
      if (workloadTokens === null) {
        throw new ApiError(
          'InvalidAuthenticationToken',
          'No workload token issuer is configured (VIGIL_AUTHZ_ISSUER), so no token can be accepted.',
        );
      }
      const token = m[1]!;
      const { payload, tenantId } = await workloadTokens.verify(token);
      const principalId = (claimText(payload, 'oid') ?? claimText(payload, 'sub'))?.toLowerCase();
      if (principalId === undefined || !GUID.test(principalId)) {
        throw new ApiError(
          'InvalidAuthenticationToken',
          'Access token validation failure. The token names no service principal ("oid").',
        );
      }
      const appId = claimText(payload, 'appid') ?? claimText(payload, 'azp') ?? null;
      const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      const managed = claimText(payload, 'xms_mirid') !== undefined;
      const acr = claimText(payload, 'appidacr') ?? claimText(payload, 'azpacr');
      const result = await decisions.decide({
        tenantId,
        principalId,
        appId: appId?.toLowerCase() ?? null,
        kindHint: managed ? 'managedIdentity' : 'application',
        ipAddress: clientAddress(
          request.socket.remoteAddress,
          request.headers['x-forwarded-for'],
          request.headers['x-real-ip'],
          proxies,
        ),
        resourceAppId:
          typeof audience === 'string' ? (GUID.test(audience) ? audience.toLowerCase() : audience) : null,
        credentialType: managed
          ? 'managedIdentity'
          : acr !== undefined
            ? (CREDENTIAL_OF_ACR[acr] ?? null)
            : null,
        userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
        requestId: request.id,
        recordKey: claimText(payload, 'uti') ?? claimText(payload, 'jti') ?? tokenKey(token),
      });
      sendDecision(reply, result);
      return reply.code(result.decision.allow ? 200 : 403).send();
    },
  );

  app.post<{
    Body: {
      servicePrincipalId: string;
      appId?: string | null;
      ipAddress?: string | null;
      resourceAppId?: string | null;
      managedIdentity?: boolean;
      record?: boolean;
    };
  }>(
    '/authz/decisions',
    {
      preHandler: options.requireDecide,
      ...logging,
      bodyLimit: 16 * 1024,
      schema: { tags: ['authz'], body: decisionBody, response: { 200: decisionResponse } },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const b = request.body;
      const principalId = b.servicePrincipalId.toLowerCase();
      const ip = b.ipAddress ?? null;
      const resource = b.resourceAppId ?? null;
      const result = await decisions.decide(
        {
          tenantId: caller.tenantId,
          principalId,
          appId: b.appId?.toLowerCase() ?? null,
          kindHint: b.managedIdentity ? 'managedIdentity' : 'application',
          ipAddress: ip,
          resourceAppId: resource !== null && GUID.test(resource) ? resource.toLowerCase() : resource,
          credentialType: null,
          userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
          requestId: request.id,
          recordKey: `${principalId}|${ip ?? ''}|${resource ?? ''}`,
        },
        { record: b.record !== false },
      );
      sendDecision(reply, result);
      return {
        ...result.decision,
        servicePrincipalId: principalId,
        riskLevel: result.risk.level,
        riskState: result.risk.state,
      };
    },
  );
}
