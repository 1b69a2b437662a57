import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

const TENANT = 'c5d6a1f0-3b7e-4d2a-9f61-0e8b7c2d4a19';
const CLIENT_ID = '3f8a2c71-6e4b-4d09-9b1e-5a7c0d2e8f43';
const ENTRA_KEYS = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), 'vigil.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail('the configuration was accepted');
}

test('no OIDC issuer and 6000 requests a minute unless configured', () => {
  const config = loadConfig({ env: {} });
  assert.deepEqual(config.oidcIssuers, []);
  assert.equal(config.rateLimitPerMinute, 6000);
  assert.equal(loadConfig({ env: { VIGIL_RATE_LIMIT_PER_MINUTE: '0' } }).rateLimitPerMinute, 0);
});

test('issuers from the config file: Entra v1 and v2 of one tenant, and a partner bound to a tenant', () => {
  const file = configFile({
    oidcIssuers: [
      { issuer: `https://sts.windows.net/${TENANT}/`, audience: 'api://vigil', jwksUrl: ENTRA_KEYS },
      {
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        audience: [CLIENT_ID],
        jwksUrl: ENTRA_KEYS,
      },
      {
        issuer: 'https://idp.partner.example/realms/vigil',
        audience: ['vigil-api', 'account'],
        jwksUrl: 'https://idp.partner.example/realms/vigil/protocol/openid-connect/certs',
        tenantId: TENANT.toUpperCase(),
      },
    ],
    rateLimitPerMinute: 1200,
  });
  const config = loadConfig({ env: { VIGIL_CONFIG: file } });
  assert.deepEqual(config.oidcIssuers, [
    {
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: ['api://vigil'],
      jwksUrl: ENTRA_KEYS,
      tenantId: null,
    },
    {
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: [CLIENT_ID],
      jwksUrl: ENTRA_KEYS,
      tenantId: null,
    },
    {
      issuer: 'https://idp.partner.example/realms/vigil',
      audience: ['vigil-api', 'account'],
      jwksUrl: 'https://idp.partner.example/realms/vigil/protocol/openid-connect/certs',
      tenantId: TENANT,
    },
  ]);
  assert.ok(Object.isFrozen(config.oidcIssuers) && Object.isFrozen(config.oidcIssuers[0]));
  assert.equal(config.rateLimitPerMinute, 1200);
});

test('one issuer from the environment replaces the file’s list; audiences are comma-separated', () => {
  const file = configFile({
    oidcIssuers: [{ issuer: 'https://old.example/', audience: 'x', jwksUrl: 'https://old.example/keys' }],
  });
  const { oidcIssuers } = loadConfig({
    env: {
      VIGIL_CONFIG: file,
      VIGIL_OIDC_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      VIGIL_OIDC_AUDIENCE: `${CLIENT_ID}, api://vigil`,
      VIGIL_OIDC_JWKS_URL: ENTRA_KEYS,
      VIGIL_OIDC_TENANT_ID: TENANT,
    },
  });
  assert.deepEqual(oidcIssuers, [
    {
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: [CLIENT_ID, 'api://vigil'],
      jwksUrl: ENTRA_KEYS,
      tenantId: TENANT,
    },
  ]);
});

test('a multi-tenant issuer is written with {tenantid}, as Entra’s metadata writes it', () => {
  const { oidcIssuers } = loadConfig({
    env: {
      VIGIL_OIDC_ISSUER: 'https://login.microsoftonline.com/{tenantid}/v2.0',
      VIGIL_OIDC_AUDIENCE: CLIENT_ID,
      VIGIL_OIDC_JWKS_URL: ENTRA_KEYS,
    },
  });
  assert.equal(oidcIssuers[0]?.issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
});

test('every problem of every issuer is reported, naming its index and field', () => {
  const file = configFile({
    oidcIssuers: [
      {
        issuer: 'login.microsoftonline.com',
        audience: [],
        jwksUrl: 'http://keys.example/keys',
        colour: 'red',
      },
      {
        issuer: 'https://idp.example/',
        audience: 'vigil',
        jwksUrl: 'https://idp.example/keys',
        tenantId: 'contoso',
      },
      { issuer: 'https://idp.example/', audience: ['vigil', 7], jwksUrl: 'https://idp.example/keys' },
      { issuer: 'https://idp2.example/', audience: 'vigil', jwksUrl: 'https://idp2.example/keys' },
      { issuer: 'https://idp2.example/', audience: 'vigil', jwksUrl: 'https://idp2.example/keys' },
      'https://idp3.example/',
    ],
    rateLimitPerMinute: -1,
  });
  const problems = problemsOf(() => loadConfig({ env: { VIGIL_CONFIG: file } }));
  assert.deepEqual(
    problems.map((p) => p.replace(`${file}: `, '')),
    [
      'oidcIssuers: [0]: unknown setting "colour"',
      'oidcIssuers: [0].issuer: must be the issuer\'s http(s) URL, exactly as its tokens\' "iss" claim',
      'oidcIssuers: [0].audience: must be a non-empty string or a non-empty list of them',
      'oidcIssuers: [0].jwksUrl: must be https (plain http only to localhost)',
      'oidcIssuers: [1].tenantId: must be a tenant id (GUID)',
      'oidcIssuers: [2].audience: must be a non-empty string or a non-empty list of them',
      'oidcIssuers: [4].issuer: "https://idp2.example/" is also the issuer of [3]',
      'oidcIssuers: [5]: must be an object',
      'rateLimitPerMinute: must be a whole number from 0 to 10000000 (got -1)',
    ],
  );
});

test('environment problems name the variables', () => {
  const problems = problemsOf(() =>
    loadConfig({
      env: {
        VIGIL_OIDC_AUDIENCE: ' , ',
        VIGIL_OIDC_JWKS_URL: 'ftp://keys.example/',
        VIGIL_RATE_LIMIT_PER_MINUTE: 'lots',
      },
    }),
  );
  assert.deepEqual(problems, [
    'VIGIL_OIDC_ISSUER: is required',
    'VIGIL_OIDC_AUDIENCE: must name at least one audience',
    'VIGIL_OIDC_JWKS_URL: must be an absolute http(s) URL',
    'VIGIL_RATE_LIMIT_PER_MINUTE: must be a whole number from 0 to 10000000 (got "lots")',
  ]);
});

test('keys may be fetched over plain http from this machine only', () => {
  const { oidcIssuers } = loadConfig({
    env: {
      VIGIL_OIDC_ISSUER: 'http://localhost:8081/realms/vigil',
      VIGIL_OIDC_AUDIENCE: 'vigil-api',
      VIGIL_OIDC_JWKS_URL: 'http://127.0.0.1:8081/realms/vigil/protocol/openid-connect/certs',
    },
  });
  assert.equal(oidcIssuers[0]?.jwksUrl, 'http://127.0.0.1:8081/realms/vigil/protocol/openid-connect/certs');
});
