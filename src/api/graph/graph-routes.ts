import type { FastifyInstance } from 'fastify';
import { applicationRoutes } from './applications.ts';
import { conditionalAccessRoutes } from './conditional-access-routes.ts';
import { credentialActionRoutes } from './credential-action-routes.ts';
import { directoryAuditRoutes } from './directory-audits.ts';
import { graphVersions } from './graph-request.ts';
import type { GraphRouteOptions } from './graph-route-options.ts';
import { investigationRoutes } from './investigation-routes.ts';
import { remediationRoutes } from './remediation-routes.ts';
import { riskyServicePrincipalRoutes } from './risky-service-principals.ts';
import { riskDetectionRoutes } from './service-principal-risk-detections.ts';
import { servicePrincipalRoutes } from './service-principals.ts';
import { signInRoutes } from './sign-ins.ts';

const resources = [
  riskyServicePrincipalRoutes,
  investigationRoutes,
  remediationRoutes,
  riskDetectionRoutes,
  servicePrincipalRoutes,
  applicationRoutes,
  credentialActionRoutes,
  signInRoutes,
  directoryAuditRoutes,
  conditionalAccessRoutes,
];

/** Every Graph-compatible route, under `/v1.0` and `/beta` alike (shapes differ where Graph's do). */
export async function graphRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  for (const version of graphVersions) {
    await app.register(
      async (scope) => {
        for (const resource of resources) await resource(scope, options);
      },
      { prefix: `/${version}` },
    );
  }
}
