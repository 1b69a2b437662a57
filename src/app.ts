import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { createApiKeys } from './api/auth/api-keys.ts';
import { createAuthenticator, createRequirePermission } from './api/auth/authenticate.ts';
import { createJwtVerifier } from './api/auth/jwt-verifier.ts';
import { createOidcVerifier } from './api/auth/oidc-verifier.ts';
import { createRateLimiter } from './api/auth/rate-limiter.ts';
import { createAccessState } from './api/authz/access-state.ts';
import { authzRoutes } from './api/authz/authz-routes.ts';
import { createTrustedProxies } from './api/authz/client-address.ts';
import { createDecisionPoint } from './api/authz/decision-point.ts';
import { createDecisionRecorder } from './api/authz/decision-recorder.ts';
import { createChangeCounterPoll } from './api/change-counter-poll.ts';
import { consoleRoutes } from './api/console/console-routes.ts';
import { consoleSettingsOf } from './api/console/console-settings.ts';
import { csvRoutes } from './api/csv/csv-routes.ts';
import { installErrorHandling } from './api/error-handler.ts';
import { diagnosticSettingsRoutes } from './api/exports/diagnostic-settings-routes.ts';
import { graphRoutes } from './api/graph/graph-routes.ts';
import { rewriteAppIdKeys } from './api/graph/object-ref.ts';
import { createResponseCache } from './api/graph/response-cache.ts';
import { healthRoutes } from './api/health/health-routes.ts';
import { ingestRoutes } from './api/ingest/ingest-routes.ts';
import { credentialInventoryRoutes } from './api/inventory/credential-inventory-routes.ts';
import { registerExportMetrics } from './api/metrics/export-metrics.ts';
import { createIngestMetrics } from './api/metrics/ingest-metrics.ts';
import { registerResponseCacheMetrics } from './api/metrics/response-cache-metrics.ts';
import { openApiRoute, registerOpenApi } from './api/openapi.ts';
import type { Config } from './config/schema.ts';
import type { IpIntel } from './enrich/ip-intel.ts';
import { createExportDelivery } from './exports/deliver.ts';
import { destinationPlugins } from './exports/destinations/index.ts';
import type { Store } from './store/open-store.ts';
import { createIngestQueries } from './store/queries/ingest-queries.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** What the HTTP app is built from. */
export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  /** Loaded IP data for enriching pushed sign-ins; null turns enrichment off. */
  intel: IpIntel | null;
  /** Pino logger options or false; tests pass false. */
  logger?: boolean | { level: string };
}

/** Builds the un-listened server; `vigil serve` listens on it, tests `inject()` into it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    ...httpsOptions(config),
    logger: deps.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Graph's alternate key `servicePrincipals(appId='…')` becomes a path segment the router matches.
    rewriteUrl: (request) => rewriteAppIdKeys(request.url ?? '/'),
  });
  installErrorHandling(app);
  const apiKeys = createApiKeys(store);
  const requirePermission = createRequirePermission({
    authenticator: createAuthenticator({
      keys: apiKeys,
      oidc: createOidcVerifier(config.oidcIssuers),
    }),
    rateLimiter: createRateLimiter({ perMinute: config.rateLimitPerMinute }),
  });
  const metrics = createIngestMetrics();
  // Serialized Graph answers, served again until a change counter they depend on moves.
  const responseCache = createResponseCache({ maxBytes: config.responseCacheBytes });
  registerResponseCacheMetrics(metrics.registry, responseCache);
  // The same reading tells the key check which keys were revoked since (by any process), so verified
  // keys are remembered between requests: a revoked key is refused within one poll (250 ms).
  const cacheCounters = createChangeCounterPoll(store, (counters) => {
    responseCache.setVersions(counters);
    apiKeys.rememberUntilRevoked(counters.api_key_version);
  });
  await cacheCounters.refresh();
  cacheCounters.start((err) => app.log.error({ err }, 'reading change counters failed'));
  // After a change made here, before the reply: the next read sees it, not the next poll's.
  const refreshCache = () => (responseCache.enabled ? cacheCounters.refresh() : Promise.resolve());

  await registerOpenApi(app, VERSION);
  await app.register(healthRoutes, { store });
  if (config.benchHelloRoute) app.get('/bench/hello', async () => ({ hello: 'world' }));
  app.get(
    '/metrics',
    config.metricsPublic ? {} : { preHandler: requirePermission('Metrics.Read') },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
  const ingestDeps = {
    store,
    config,
    enrich: deps.intel !== null,
    ...(deps.intel ? { intel: deps.intel } : {}),
    observe: metrics.observe,
    ingest: createIngestQueries(store),
  };
  await app.register(ingestRoutes, {
    deps: ingestDeps,
    bodyLimitBytes: config.bodyLimitBytes,
    requireIngest: requirePermission('Ingest.Write'),
    afterWrite: refreshCache,
  });

  // Access decisions read policies and risk from memory; a poll notices other processes' changes.
  const access = createAccessState(store, config);
  await access.refresh();
  access.start((err) => app.log.error({ err }, 'reloading policies and risk failed'));
  const recorder = createDecisionRecorder(ingestDeps, (err) =>
    app.log.error({ err }, 'recording decisions failed'),
  );
  app.addHook('onClose', async () => {
    access.stop();
    cacheCounters.stop();
    await recorder.close();
  });
  const onChange = async () => {
    await Promise.all([access.refresh(), refreshCache()]);
  };
  await app.register(graphRoutes, { deps: { store, config, responseCache }, requirePermission, onChange });
  await app.register(csvRoutes, { deps: { store, config }, requirePermission, onChange });
  await app.register(consoleRoutes, {
    settings: consoleSettingsOf(config),
    requireCaller: requirePermission(null),
  });
  await app.register(diagnosticSettingsRoutes, {
    store,
    plugins: destinationPlugins,
    requireManage: requirePermission('DiagnosticSettings.ReadWrite.All'),
  });
  await app.register(credentialInventoryRoutes, {
    store,
    requireRead: requirePermission('Application.Read.All'),
  });
  const exportStatus = createExportDelivery(store, destinationPlugins);
  registerExportMetrics(metrics.registry, () => exportStatus.status());
  await app.register(authzRoutes, {
    decisions: createDecisionPoint({ state: access, intel: deps.intel, recorder, config }),
    workloadTokens: config.workloadIssuers.length > 0 ? createJwtVerifier(config.workloadIssuers) : null,
    proxies: createTrustedProxies(config.trustedProxies),
    requireDecide: requirePermission('Authz.Decide'),
  });
  openApiRoute(app, requirePermission(null));
  return app;
}

/** HTTPS when a certificate and key are configured (the Graph SDK sends tokens only over HTTPS). */
function httpsOptions(config: Readonly<Config>): { https?: { cert: Buffer; key: Buffer } } {
  if (config.tlsCert === null && config.tlsKey === null) return {};
  if (config.tlsCert === null || config.tlsKey === null)
    throw new Error('VIGIL_TLS_CERT and VIGIL_TLS_KEY must be set together.');
  return { https: { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } };
}
