import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.ts';

const ENTRA = 'https://login.microsoftonline.com/3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a/oauth2/v2.0';

test('the console signs in with API keys only unless an OIDC client is configured', () => {
  assert.equal(loadConfig({ env: {} }).consoleOidc, null);
});

test('VIGIL_CONSOLE_OIDC_* configure the console’s OIDC sign-in; scopes default to openid', () => {
  const { consoleOidc } = loadConfig({
    env: {
      VIGIL_CONSOLE_OIDC_CLIENT_ID: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
      VIGIL_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT: `${ENTRA}/authorize`,
      VIGIL_CONSOLE_OIDC_TOKEN_ENDPOINT: `${ENTRA}/token`,
    },
  });
  assert.deepEqual(consoleOidc, {
    issuer: 'https://login.microsoftonline.com',
    clientId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
    authorizationEndpoint: `${ENTRA}/authorize`,
    tokenEndpoint: `${ENTRA}/token`,
    scopes: ['openid'],
  });
  const scoped = loadConfig({
    env: {
      VIGIL_CONSOLE_OIDC_CLIENT_ID: 'console',
      VIGIL_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT: `${ENTRA}/authorize`,
      VIGIL_CONSOLE_OIDC_TOKEN_ENDPOINT: `${ENTRA}/token`,
      VIGIL_CONSOLE_OIDC_SCOPES: 'openid, api://vigil/.default',
    },
  });
  assert.deepEqual(scoped.consoleOidc?.scopes, ['openid', 'api://vigil/.default']);
});

test('a missing field, plain http to another host or an unknown setting is refused, naming it', () => {
  assert.throws(
    () =>
      loadConfig({
        env: {
          VIGIL_CONSOLE_OIDC_CLIENT_ID: 'console',
          VIGIL_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT: 'http://idp.example/authorize',
        },
      }),
    (err: Error) =>
      /VIGIL_CONSOLE_OIDC_TOKEN_ENDPOINT: is required/.test(err.message) &&
      /VIGIL_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT: must be https/.test(err.message),
  );
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-oidc-'));
  try {
    const file = join(dir, 'vigil.json');
    writeFileSync(
      file,
      JSON.stringify({
        consoleOidc: {
          clientId: 'console',
          authorizationEndpoint: `${ENTRA}/authorize`,
          tokenEndpoint: `${ENTRA}/token`,
          colour: 'blue',
        },
      }),
    );
    assert.throws(() => loadConfig({ env: { VIGIL_CONFIG: file } }), /consoleOidc: unknown setting "colour"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
