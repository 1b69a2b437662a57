import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

const ENTRA = 'https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token';

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

test('live checks of leaked secrets are off unless configured', () => {
  assert.deepEqual(loadConfig({ env: {} }).leaks, { verify: null });
});

test('the token endpoint from the config file, with defaults for what it leaves out', () => {
  const file = configFile({ leaks: { verify: { tokenEndpoint: ENTRA } } });
  assert.deepEqual(loadConfig({ env: { VIGIL_CONFIG: file } }).leaks, {
    verify: { tokenEndpoint: ENTRA, scope: 'https://graph.microsoft.com/.default', timeoutSeconds: 10 },
  });
  const all = configFile({
    leaks: {
      verify: { tokenEndpoint: ENTRA, scope: 'https://vault.azure.net/.default', timeoutSeconds: 30 },
    },
  });
  assert.deepEqual(loadConfig({ env: { VIGIL_CONFIG: all } }).leaks.verify, {
    tokenEndpoint: ENTRA,
    scope: 'https://vault.azure.net/.default',
    timeoutSeconds: 30,
  });
});

test('the environment replaces the file’s setting', () => {
  const file = configFile({ leaks: { verify: { tokenEndpoint: 'https://old.example/token' } } });
  const { leaks } = loadConfig({
    env: {
      VIGIL_CONFIG: file,
      VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: ENTRA,
      VIGIL_LEAK_VERIFY_SCOPE: 'https://management.azure.com/.default',
    },
  });
  assert.deepEqual(leaks.verify, {
    tokenEndpoint: ENTRA,
    scope: 'https://management.azure.com/.default',
    timeoutSeconds: 10,
  });
});

test('every problem of the file’s setting is reported at once, naming the setting', () => {
  const file = configFile({
    leaks: {
      verify: {
        tokenEndpoint: 'http://login.example.com/{tenant}/token',
        scope: 'a b',
        timeoutSeconds: 0,
        retries: 3,
      },
      alert: true,
    },
  });
  const problems = problemsOf(() => loadConfig({ env: { VIGIL_CONFIG: file, VIGIL_PORT: 'eighty' } }));
  assert.deepEqual(
    problems.map((p) => p.replace(`${file}: `, '')),
    [
      'VIGIL_PORT: must be a whole number from 0 to 65535 (got "eighty")',
      'leaks: unknown setting "alert"',
      'leaks: verify: unknown setting "retries"',
      'leaks: verify.tokenEndpoint: unknown placeholder {tenant} (only {tenantId} is substituted)',
      'leaks: verify.scope: must be one scope, such as https://graph.microsoft.com/.default',
      'leaks: verify.timeoutSeconds: must be a whole number from 1 to 120',
    ],
  );
});

test('the endpoint must be https, except to this machine, and carry no credentials', () => {
  const problems = (endpoint: string) =>
    problemsOf(() => loadConfig({ env: { VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: endpoint } }));
  assert.deepEqual(problems('http://login.example.com/{tenantId}/token'), [
    'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: must be https (plain http only to localhost): leaked secrets are sent there',
  ]);
  assert.deepEqual(problems('https://vigil:hunter2@login.example.com/token'), [
    'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: must not carry credentials',
  ]);
  assert.deepEqual(problems('login.microsoftonline.com/token'), [
    'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: must be an absolute https URL of a token endpoint',
  ]);
  assert.deepEqual(problems('ftp://login.example.com/token'), [
    'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: must be an https URL',
  ]);
  for (const local of ['http://127.0.0.1:8400/{tenantId}/token', 'http://localhost/token']) {
    assert.equal(
      loadConfig({ env: { VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: local } }).leaks.verify?.tokenEndpoint,
      local,
    );
  }
});

test('a scope or timeout without an endpoint names the missing variable', () => {
  assert.deepEqual(
    problemsOf(() =>
      loadConfig({
        env: { VIGIL_LEAK_VERIFY_SCOPE: 'x/.default', VIGIL_LEAK_VERIFY_TIMEOUT_SECONDS: '999' },
      }),
    ),
    [
      'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: is required',
      'VIGIL_LEAK_VERIFY_TIMEOUT_SECONDS: must be a whole number from 1 to 120',
    ],
  );
});
