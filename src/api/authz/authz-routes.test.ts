import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { authzRoutes } from './authz-routes.ts';
import { createTrustedProxies } from './client-address.ts';
import type { createDecisionPoint } from './decision-point.ts';

/** A server logging at `level` into `lines`, with the decision routes and one other route. */
async function serverLoggingAt(level: string, lines: string[]) {
  const app = Fastify({ logger: { level, stream: { write: (line: string) => void lines.push(line) } } });
  await app.register(authzRoutes, {
    // Never reached: the requests below carry no token.
    decisions: {} as ReturnType<typeof createDecisionPoint>,
    workloadTokens: null,
    proxies: createTrustedProxies(['127.0.0.1/32']),
    requireDecide: async () => {},
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.ready();
  return app;
}

test('at the default info level, gateway questions are not logged per request; other routes are', async () => {
  const lines: string[] = [];
  const app = await serverLoggingAt('info', lines);
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/authz/nginx' });
    assert.equal(res.statusCode, 401);
  }
  assert.deepEqual(lines, [], 'no line for three refused gateway questions');
  await app.inject({ method: 'GET', url: '/healthz' });
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
    ['incoming request', 'request completed'],
  );
  await app.close();
});

test('at debug level, gateway questions are logged like any request', async () => {
  const lines: string[] = [];
  const app = await serverLoggingAt('debug', lines);
  await app.inject({ method: 'GET', url: '/authz/nginx' });
  assert.ok(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'incoming request'));
  await app.close();
});
