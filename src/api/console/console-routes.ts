import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import { callerOf } from '../auth/authenticate.ts';
import { type ConsoleAsset, loadConsoleAssets } from './console-assets.ts';
import { type ConsoleSettings, contentSecurityPolicy } from './console-settings.ts';

/** What the console's routes are registered with. */
export interface ConsoleRouteOptions {
  settings: ConsoleSettings;
  /** Any valid bearer token (the console asks what it may do). */
  requireCaller: preHandlerAsyncHookHandler;
  /** The built console's folder; the default is `web/dist`. */
  dir?: string;
}

const meSchema = Type.Object({
  tenantId: Type.String(),
  kind: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
});

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vigil</title>
<p>The console has not been built. Run <code>npm run build</code> and restart <code>vigil serve</code>.
The API works without it.</p></html>`;

/**
 * The web console: its static files at `/` (no token: they carry no data), the sign-in settings it
 * reads first (`GET /console/config.json`), and `GET /vigil/me`, which tells a token's holder what
 * it may do so the console can disable what the API would refuse.
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const assets = loadConsoleAssets(options.dir);
  const csp = contentSecurityPolicy(options.settings);
  const send = (request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset) => {
    reply
      .header('content-type', asset.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // Hashed names never change; anything else (index.html) must be revalidated so a new build
      // is picked up at once.
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (asset.contentType.startsWith('text/html')) {
      reply.header('content-security-policy', csp).header('x-frame-options', 'DENY');
    }
    if (asset.gzip !== null) {
      reply.header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(asset.gzip);
      }
    }
    return reply.send(asset.body);
  };

  const index = assets.get('/index.html');
  // The page and its files are no API: they stay out of /openapi.json.
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (request, reply) => {
    if (index) return send(request, reply, index);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', csp)
      .header('cache-control', 'no-cache')
      .send(NOT_BUILT);
  });
  // Only the files the build produced get a route: no wildcard, so no path can reach the disk and
  // every other URL keeps the API's own 404.
  for (const [path, asset] of assets) {
    app.get(path, hidden, async (request, reply) => send(request, reply, asset));
  }

  app.get('/console/config.json', hidden, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return { oidc: options.settings.oidc };
  });

  app.get(
    '/vigil/me',
    { preHandler: options.requireCaller, schema: { tags: ['console'], response: { 200: meSchema } } },
    async (request) => {
      const caller = callerOf(request);
      return {
        tenantId: caller.tenantId,
        kind: caller.kind,
        displayName: caller.actor.displayName,
        roles: [...caller.roles],
        permissions: [...caller.permissions].sort(),
      };
    },
  );
}
