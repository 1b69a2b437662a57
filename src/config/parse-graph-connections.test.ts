import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { generate } from 'selfsigned';
import { ConfigError, loadConfig } from './load.ts';
import { parseGraphConnections } from './parse-graph-connections.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const OTHER_TENANT = '0d3b8e52-7a14-4c69-b2f0-9e6a1c4d7b38';
const CLIENT_ID = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const SECRET = ' Xk8Q~FAKE-vigil-remediation-TEST-secret ';

let dir: string;
let certFile: string;
let keyFile: string;
let bundleFile: string;
let otherKeyFile: string;
let certPem: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-graph-'));
  const pems = await generate([{ name: 'commonName', value: 'vigil-remediation' }], { keySize: 2048 });
  const other = await generate([{ name: 'commonName', value: 'someone-else' }], { keySize: 2048 });
  certPem = pems.cert;
  certFile = join(dir, 'vigil.crt');
  keyFile = join(dir, 'vigil.key');
  bundleFile = join(dir, 'vigil.pem');
  otherKeyFile = join(dir, 'other.key');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private);
  writeFileSync(bundleFile, `${pems.cert}\n${pems.private}`);
  writeFileSync(otherKeyFile, other.private);
});

function problems(raw: unknown): readonly string[] {
  const r = parseGraphConnections(raw);
  assert.ok('error' in r, 'the settings were accepted');
  return r.error;
}

describe('parseGraphConnections', () => {
  test('a client secret, kept as given; tenant and client ids lower-cased; Entra’s global endpoints by default', () => {
    const r = parseGraphConnections({
      [TENANT.toUpperCase()]: { clientId: CLIENT_ID.toUpperCase(), clientSecret: SECRET },
    });
    assert.ok('value' in r);
    assert.deepEqual(Object.keys(r.value), [TENANT]);
    assert.deepEqual(
      { ...r.value[TENANT] },
      {
        tenantId: TENANT,
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        authorityHost: 'https://login.microsoftonline.com',
        graphBaseUrl: 'https://graph.microsoft.com',
      },
    );
    assert.ok(Object.isFrozen(r.value) && Object.isFrozen(r.value[TENANT]));
    assert.equal(r.value.constructor, undefined, 'no prototype: only tenants are keys');
  });

  test('a certificate and key read from their files; a national cloud’s endpoints', () => {
    const r = parseGraphConnections({
      [TENANT]: {
        clientId: CLIENT_ID,
        certificateFile: certFile,
        privateKeyFile: keyFile,
        authorityHost: 'https://login.microsoftonline.us/',
        graphBaseUrl: 'https://graph.microsoft.us',
      },
    });
    assert.ok('value' in r);
    const c = r.value[TENANT]!;
    assert.match(c.certificatePem!, /^-----BEGIN CERTIFICATE-----/);
    assert.match(c.privateKeyPem!, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(c.clientSecret, undefined);
    assert.equal(c.authorityHost, 'https://login.microsoftonline.us');
    assert.equal(c.graphBaseUrl, 'https://graph.microsoft.us');
  });

  test('a certificate file that holds the key too needs no key file', () => {
    const r = parseGraphConnections({ [TENANT]: { clientId: CLIENT_ID, certificateFile: bundleFile } });
    assert.ok('value' in r);
    assert.ok(r.value[TENANT]!.privateKeyPem);
  });

  test('secrets and keys never appear in JSON of the settings', () => {
    const r = parseGraphConnections({
      [TENANT]: { clientId: CLIENT_ID, clientSecret: SECRET },
      [OTHER_TENANT]: { clientId: CLIENT_ID, certificateFile: certFile, privateKeyFile: keyFile },
    });
    assert.ok('value' in r);
    const json = JSON.stringify(r.value);
    assert.ok(!json.includes(SECRET.trim()));
    assert.ok(!json.includes('PRIVATE KEY'));
    assert.match(json, /"clientSecret":"\[redacted\]"/);
    assert.match(json, /BEGIN CERTIFICATE/);
  });

  test('every problem is named by tenant and field, and no secret is quoted', () => {
    const found = problems({
      contoso: { clientId: CLIENT_ID, clientSecret: SECRET },
      [TENANT]: { clientId: 'billing-sync', clientSecret: SECRET, certificateFile: certFile, color: 'blue' },
      [OTHER_TENANT]: {
        clientId: CLIENT_ID,
        authorityHost: 'http://login.example.com',
        graphBaseUrl: 'ftp://graph',
      },
    });
    assert.deepEqual(found, [
      'contoso: must be a tenant id (GUID)',
      `${TENANT}: unknown setting "color"`,
      `${TENANT}.clientId: must be the app's application (client) id (GUID)`,
      `${TENANT}.clientSecret: give a client secret or a certificate, not both`,
      `${OTHER_TENANT}.clientSecret: give a clientSecret, or a certificateFile and privateKeyFile`,
      `${OTHER_TENANT}.authorityHost: must be https (plain http only to localhost)`,
      `${OTHER_TENANT}.graphBaseUrl: must be an http(s) URL`,
    ]);
    assert.ok(!found.join('\n').includes(SECRET.trim()));
  });

  test('certificate problems: unreadable file, missing key, key of another certificate, non-RSA key', () => {
    const ecKey = join(dir, 'ec.key');
    writeFileSync(
      ecKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    assert.deepEqual(
      problems({
        [TENANT]: { clientId: CLIENT_ID, certificateFile: join(dir, 'missing.pem'), privateKeyFile: keyFile },
      }),
      [`${TENANT}.certificateFile: cannot read ${join(dir, 'missing.pem')} (ENOENT)`],
    );
    assert.deepEqual(problems({ [TENANT]: { clientId: CLIENT_ID, certificateFile: certFile } }), [
      `${TENANT}.privateKeyFile: is required with a certificate`,
    ]);
    assert.deepEqual(
      problems({
        [TENANT]: { clientId: CLIENT_ID, certificateFile: certFile, privateKeyFile: otherKeyFile },
      }),
      [`${TENANT}.privateKeyFile: is not the private key of the certificate`],
    );
    assert.deepEqual(
      problems({ [TENANT]: { clientId: CLIENT_ID, certificateFile: certFile, privateKeyFile: ecKey } }),
      [`${TENANT}.privateKeyFile: must be an RSA key (Entra takes RSA-signed client assertions)`],
    );
    assert.deepEqual(
      problems({ [TENANT]: { clientId: CLIENT_ID, certificateFile: keyFile, privateKeyFile: keyFile } }),
      [`${TENANT}.certificateFile: is not a PEM certificate`],
    );
    assert.deepEqual(problems({ [TENANT]: { clientId: CLIENT_ID, privateKeyFile: keyFile } }), [
      `${TENANT}.certificateFile: is required with a private key`,
    ]);
  });

  test('two spellings of one tenant are refused', () => {
    assert.deepEqual(
      problems({
        [TENANT]: { clientId: CLIENT_ID, clientSecret: SECRET },
        [TENANT.toUpperCase()]: { clientId: CLIENT_ID, clientSecret: SECRET },
      }),
      [`${TENANT.toUpperCase()}: the tenant has another connection (tenant ids are not case-sensitive)`],
    );
  });
});

describe('graphConnections in the configuration', () => {
  test('none by default', () => {
    assert.deepEqual(Object.keys(loadConfig({ env: {} }).graphConnections), []);
  });

  test('from the config file, and from VIGIL_GRAPH_CONNECTIONS (which replaces the file’s)', () => {
    const file = join(dir, 'vigil.json');
    writeFileSync(
      file,
      JSON.stringify({
        graphConnections: {
          [TENANT]: { clientId: CLIENT_ID, certificateFile: certFile, privateKeyFile: keyFile },
        },
      }),
    );
    const fromFile = loadConfig({ env: { VIGIL_CONFIG: file } }).graphConnections;
    assert.equal(fromFile[TENANT]?.certificatePem, new X509Certificate(certPem).toString());
    const fromEnv = loadConfig({
      env: {
        VIGIL_CONFIG: file,
        VIGIL_GRAPH_CONNECTIONS: JSON.stringify({
          [OTHER_TENANT]: { clientId: CLIENT_ID, clientSecret: SECRET },
        }),
      },
    }).graphConnections;
    assert.deepEqual(Object.keys(fromEnv), [OTHER_TENANT]);
  });

  test('loaded settings pass back through overrides unchanged', () => {
    const file = join(dir, 'vigil-2.json');
    writeFileSync(
      file,
      JSON.stringify({
        graphConnections: { [TENANT]: { clientId: CLIENT_ID, certificateFile: bundleFile } },
      }),
    );
    const loaded = loadConfig({ env: { VIGIL_CONFIG: file } }).graphConnections;
    const again = loadConfig({ env: {}, overrides: { graphConnections: loaded } }).graphConnections;
    assert.deepEqual({ ...again[TENANT] }, { ...loaded[TENANT] });
  });

  test('a bad entry stops the load, named, without quoting the value', () => {
    assert.throws(
      () =>
        loadConfig({
          env: { VIGIL_GRAPH_CONNECTIONS: JSON.stringify({ [TENANT]: { clientSecret: SECRET } }) },
        }),
      (err: Error) =>
        err instanceof ConfigError &&
        err.problems.includes(`VIGIL_GRAPH_CONNECTIONS: ${TENANT}.clientId: is required`) &&
        !err.message.includes(SECRET.trim()),
    );
    assert.throws(
      () => loadConfig({ env: { VIGIL_GRAPH_CONNECTIONS: `{"${TENANT}": {"clientSecret": "${SECRET}"` } }),
      (err: Error) =>
        err instanceof ConfigError &&
        /VIGIL_GRAPH_CONNECTIONS: must be JSON/.test(err.message) &&
        !err.message.includes(SECRET.trim()),
    );
  });
});
