import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

test('defaults give the embedded SQLite store on loopback', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.databaseUrl, './data/vigil.db');
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.ok(Object.isFrozen(c));
});

test('environment beats the config file, and the file beats defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  const file = join(dir, 'vigil.json');
  writeFileSync(file, JSON.stringify({ port: 9000, host: '0.0.0.0' }));
  const c = loadConfig({ env: { VIGIL_CONFIG: file, VIGIL_PORT: '9443' } });
  assert.equal(c.port, 9443);
  assert.equal(c.host, '0.0.0.0');
});

test('every problem is reported at once, each with the setting it concerns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  const file = join(dir, 'vigil.json');
  writeFileSync(file, JSON.stringify({ prot: 1 }));
  let error: unknown;
  try {
    loadConfig({
      env: {
        VIGIL_CONFIG: file,
        VIGIL_PORT: 'eighty',
        VIGIL_DATABASE_URL: 'mysql://db/vigil',
        VIGIL_TENANT_ID: 'contoso',
        VIGIL_LOG_LEVEL: 'loud',
      },
    });
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError);
  const text = error.problems.join('\n');
  assert.equal(error.problems.length, 5, text);
  assert.match(text, /VIGIL_PORT: must be a whole number/);
  assert.match(text, /VIGIL_DATABASE_URL: must be a file path, a sqlite: URL or a postgres:\/\/ URL/);
  assert.match(text, /VIGIL_TENANT_ID: must be a tenant id/);
  assert.match(text, /VIGIL_LOG_LEVEL: must be one of/);
  assert.match(text, /unknown setting "prot"/);
});

test('a postgres URL and a schema are accepted', () => {
  const c = loadConfig({
    env: { VIGIL_DATABASE_URL: 'postgres://vigil@db.internal:5432/vigil', VIGIL_DATABASE_SCHEMA: 'tenant_a' },
  });
  assert.equal(c.databaseUrl, 'postgres://vigil@db.internal:5432/vigil');
  assert.equal(c.databaseSchema, 'tenant_a');
});

test('a bad database URL is reported without quoting it, since it may carry a password', () => {
  assert.throws(
    () => loadConfig({ env: { VIGIL_DATABASE_URL: 'mysql://vigil:hunter2@db.internal/vigil' } }),
    (err: Error) => /VIGIL_DATABASE_URL/.test(err.message) && !err.message.includes('hunter2'),
  );
});

test('the response cache holds 64 MiB by default; 0 turns it off; a negative size is refused', () => {
  assert.equal(loadConfig({ env: {} }).responseCacheBytes, 64 * 1024 * 1024);
  assert.equal(loadConfig({ env: { VIGIL_RESPONSE_CACHE_BYTES: '0' } }).responseCacheBytes, 0);
  assert.throws(
    () => loadConfig({ env: { VIGIL_RESPONSE_CACHE_BYTES: '-1' } }),
    (err: Error) => /VIGIL_RESPONSE_CACHE_BYTES: must be a whole number/.test(err.message),
  );
});
