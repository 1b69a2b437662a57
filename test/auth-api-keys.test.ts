import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { createRateLimiter } from '../src/api/auth/rate-limiter.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { buildGuardedApp, type CallerView, guardedRoutes } from './support/guarded-app.ts';

const TENANT = 'c5d6a1f0-3b7e-4d2a-9f61-0e8b7c2d4a19';

for (const dialect of dialects) {
  describe(`API keys as bearer tokens on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let keys: ReturnType<typeof createApiKeys>;
    let clock = Date.UTC(2026, 10, 27, 9);

    before(async () => {
      t = await createTestStore(dialect);
      keys = createApiKeys(t.store);
      app = await buildGuardedApp({
        keys,
        rateLimiter: createRateLimiter({ perMinute: 30, now: () => clock }),
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const call = (
      authorization: string | undefined,
      route: keyof typeof guardedRoutes,
      remoteAddress?: string,
    ) =>
      app.inject({
        method: route === 'dismiss' ? 'POST' : 'GET',
        url: guardedRoutes[route],
        headers: authorization === undefined ? {} : { authorization },
        ...(remoteAddress ? { remoteAddress } : {}),
      });

    test('a key speaks for its tenant with its role’s permissions, as an app named after the key', async () => {
      const { key, info } = await keys.create({
        tenantId: TENANT,
        role: 'security-operator',
        name: 'soc triage bot',
      });
      const res = await call(`Bearer ${key}`, 'read');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json() as CallerView, {
        tenantId: TENANT,
        kind: 'apiKey',
        actorId: `apiKey:${info.id}`,
        actor: { type: 'app', id: `apiKey:${info.id}`, displayName: 'soc triage bot' },
        roles: ['security-operator'],
        permissions: [
          'Application.Read.All',
          'AuditLog.Read.All',
          'IdentityRiskEvent.Read.All',
          'IdentityRiskyServicePrincipal.Read.All',
          'Metrics.Read',
          'Policy.Read.All',
        ],
      });
      const denied = await call(`Bearer ${key}`, 'dismiss');
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'Authorization_RequestDenied');
    });

    test('a Security Administrator key dismisses; a Conditional Access Administrator key reads no risk', async () => {
      const admin = await keys.create({ tenantId: TENANT, role: 'security-administrator', name: 'ir lead' });
      assert.equal((await call(`Bearer ${admin.key}`, 'dismiss')).statusCode, 200);
      const ca = await keys.create({
        tenantId: TENANT,
        role: 'conditional-access-administrator',
        name: 'ca',
      });
      assert.equal((await call(`Bearer ${ca.key}`, 'read')).statusCode, 403);
    });

    test('a revoked key is 401 and says so; a wrong secret is just invalid', async () => {
      const { key, info } = await keys.create({
        tenantId: TENANT,
        role: 'security-reader',
        name: 'old laptop',
      });
      assert.equal((await call(`Bearer ${key}`, 'read')).statusCode, 200);
      assert.equal(await keys.revoke(info.id), true);
      // The server remembers verified keys and hears of revocations (from any process) by polling
      // the change counters: the key is refused within one poll, 250 ms.
      const revokedAt = Date.now();
      let revoked = await call(`Bearer ${key}`, 'read');
      while (revoked.statusCode === 200 && Date.now() - revokedAt < 2000) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        revoked = await call(`Bearer ${key}`, 'read');
      }
      assert.equal(revoked.statusCode, 401);
      assert.equal(revoked.json().error.code, 'InvalidAuthenticationToken');
      assert.equal(
        revoked.json().error.message,
        'Access token validation failure. The API key has been revoked.',
      );
      assert.equal(revoked.headers['www-authenticate'], 'Bearer realm="vigil", error="invalid_token"');
      // Revocation is told only to whoever holds the secret.
      const guessed = await call(`Bearer ${key.slice(0, -6)}AAAAAA`, 'read');
      assert.equal(guessed.json().error.message, 'Access token validation failure. Invalid API key.');
      const malformed = await call('Bearer vigil_0123_short', 'read');
      assert.equal(
        malformed.json().error.message,
        'Access token validation failure. The API key is malformed.',
      );
      for (const res of [guessed, malformed])
        assert.ok(!res.body.includes(key.slice(-20)), 'no secret echoed');
    });

    test('a caller over its rate gets 429 in Graph’s envelope with Retry-After; others go on', async () => {
      const busy = await keys.create({ tenantId: TENANT, role: 'security-reader', name: 'busy poller' });
      const calm = await keys.create({ tenantId: TENANT, role: 'security-reader', name: 'calm poller' });
      for (let i = 0; i < 30; i++)
        assert.equal((await call(`Bearer ${busy.key}`, 'read')).statusCode, 200, `#${i}`);
      const limited = await call(`Bearer ${busy.key}`, 'detections', '198.51.100.7');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.headers['retry-after'], '2');
      const { error } = limited.json();
      assert.equal(error.code, 'TooManyRequests');
      assert.match(error.message, /Retry after 2 seconds/);
      assert.ok(error.innerError.date && error.innerError['request-id']);
      assert.equal((await call(`Bearer ${calm.key}`, 'read')).statusCode, 200, 'another key is not limited');
      clock += 2000;
      assert.equal(
        (await call(`Bearer ${busy.key}`, 'read')).statusCode,
        200,
        'allowed again after Retry-After',
      );
    });

    test('failed attempts are limited per client address', async () => {
      const attacker = '203.0.113.66';
      for (let i = 0; i < 30; i++)
        assert.equal((await call('Bearer vigil_x', 'read', attacker)).statusCode, 401);
      const limited = await call(undefined, 'read', attacker);
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal((await call(undefined, 'read', '192.0.2.10')).statusCode, 401, 'other addresses are not');
      const { key } = await keys.create({
        tenantId: TENANT,
        role: 'security-reader',
        name: 'behind the same NAT',
      });
      assert.equal(
        (await call(`Bearer ${key}`, 'read', attacker)).statusCode,
        200,
        'valid callers are counted apart',
      );
    });

    test('the served app applies VIGIL_RATE_LIMIT_PER_MINUTE; 0 turns it off', async () => {
      const { key } = await keys.create({
        tenantId: TENANT,
        role: 'security-reader',
        name: 'metrics scraper',
      });
      const metrics = (served: FastifyInstance) =>
        served.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${key}` } });
      const limited = await buildApp({
        config: loadConfig({ env: { ...t.env, VIGIL_RATE_LIMIT_PER_MINUTE: '2' } }),
        store: t.store,
        intel: null,
      });
      const open = await buildApp({
        config: loadConfig({ env: { ...t.env, VIGIL_RATE_LIMIT_PER_MINUTE: '0' } }),
        store: t.store,
        intel: null,
      });
      try {
        const codes = [];
        for (let i = 0; i < 3; i++) codes.push((await metrics(limited)).statusCode);
        assert.deepEqual(codes, [200, 200, 429]);
        for (let i = 0; i < 50; i++) assert.equal((await metrics(open)).statusCode, 200);
      } finally {
        await limited.close();
        await open.close();
      }
    });
  });
}
