import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { roleTemplateIds } from '../../src/api/auth/roles.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { launchBrowser } from '../support/browser.ts';
import { type ConsoleOidcProvider, startConsoleOidcProvider } from '../support/console-oidc-provider.ts';
import { ensureConsoleBuilt } from '../support/console-tenant.ts';
import { createTestStore, dialects, type TestStore } from '../support/dialects.ts';
import { startTestIssuer, type TestIssuer } from '../support/oidc-issuer.ts';

// A person signs in to the console through the organisation's OIDC provider (authorization code
// with PKCE, the console a public client); the access token it gets is one the API accepts, and
// what the person may do in the console follows from it.

const TENANT = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const CLIENT_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

let browser: Browser;
before(async () => {
  ensureConsoleBuilt();
  browser = await launchBrowser();
});
after(async () => browser?.close());

for (const dialect of dialects) {
  describe(`console sign-in with OIDC on ${dialect}`, () => {
    let t: TestStore;
    let issuer: TestIssuer;
    let provider: ConsoleOidcProvider;
    let app: FastifyInstance;
    let origin = '';
    before(async () => {
      t = await createTestStore(dialect);
      issuer = await startTestIssuer();
      provider = await startConsoleOidcProvider({
        issuer,
        clientId: CLIENT_ID,
        allowedOrigin: () => origin,
        claims: () => {
          const now = Math.floor(Date.now() / 1000);
          return {
            aud: CLIENT_ID,
            iss: ISSUER,
            iat: now,
            nbf: now,
            exp: now + 3600,
            azp: CLIENT_ID,
            name: 'Dana Whitfield',
            oid: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
            preferred_username: 'dana.whitfield@contoso.example',
            scp: 'IdentityRiskyServicePrincipal.Read.All IdentityRiskEvent.Read.All Policy.Read.All',
            tid: TENANT,
            ver: '2.0',
            wids: [roleTemplateIds['security-reader']],
          };
        },
      });
      const config = loadConfig({
        env: {},
        overrides: {
          defaultTenantId: TENANT,
          detectIntervalSeconds: 0,
          exportIntervalSeconds: 0,
          oidcIssuers: [{ issuer: ISSUER, audience: [CLIENT_ID], jwksUrl: issuer.jwksUrl, tenantId: TENANT }],
          consoleOidc: {
            issuer: 'https://login.microsoftonline.com',
            clientId: CLIENT_ID,
            authorizationEndpoint: provider.authorizationEndpoint,
            tokenEndpoint: provider.tokenEndpoint,
            scopes: ['openid', `api://${CLIENT_ID}/.default`],
          },
        },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await app?.close();
      await provider?.close();
      await issuer?.close();
      await t?.cleanup();
    });

    test('the console says where to sign in, and its CSP lets it reach only that token endpoint', async () => {
      const res = await fetch(`${origin}/console/config.json`);
      assert.deepEqual(await res.json(), {
        oidc: {
          issuer: 'https://login.microsoftonline.com',
          clientId: CLIENT_ID,
          authorizationEndpoint: provider.authorizationEndpoint,
          tokenEndpoint: provider.tokenEndpoint,
          scopes: ['openid', `api://${CLIENT_ID}/.default`],
        },
      });
      const csp = (await fetch(`${origin}/`)).headers.get('content-security-policy') ?? '';
      assert.match(csp, new RegExp(`connect-src 'self' ${new URL(provider.tokenEndpoint).origin}(;|$)`));
    });

    test('signing in with the provider gives a token the API accepts, with the person’s role', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await context.newPage();
        await page.goto(`${origin}/`);
        await page.getByRole('button', { name: 'Sign in with login.microsoftonline.com' }).click();
        await page.getByRole('heading', { name: 'Risky workload identities', level: 1 }).waitFor();
        assert.equal(provider.redeemed(), 1);
        assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
        assert.match(
          (await page.locator('.who-name').textContent()) ?? '',
          /Dana Whitfield · security-reader/,
        );
        assert.equal(await page.getByRole('button', { name: 'Confirm compromised' }).isDisabled(), true);
        await page.getByText('No workload identity matches these filters.').waitFor();
      } finally {
        await context.close();
      }
    });
  });
}
