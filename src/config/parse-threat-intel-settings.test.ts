import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const PASSWORD = 'c0rrect-h0rse-battery';
const TOKEN = '7f3c9a51e2d84b06a1c5';

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

test('no TAXII collection unless configured', () => {
  assert.deepEqual(loadConfig({ env: {} }).threatIntel, { taxii: [] });
});

test('collections from the config file, with defaults for what they leave out', () => {
  const file = configFile({
    threatIntel: {
      taxii: [
        {
          name: 'partner-cti',
          url: 'https://cti.partner.example/api1/',
          collectionId: COLLECTION,
          username: 'vigil',
          password: PASSWORD,
          intervalMinutes: 30,
          defaultConfidence: 80,
          validityDays: 30,
        },
        {
          name: 'isac',
          url: 'https://taxii.isac.example/feeds/',
          collectionId: 'ip-blocklist',
          token: TOKEN,
        },
      ],
    },
  });
  const { taxii } = loadConfig({ env: { VIGIL_CONFIG: file } }).threatIntel;
  assert.deepEqual(taxii, [
    {
      name: 'partner-cti',
      url: 'https://cti.partner.example/api1/',
      collectionId: COLLECTION,
      username: 'vigil',
      password: PASSWORD,
      token: null,
      intervalMinutes: 30,
      defaultConfidence: 80,
      validityDays: 30,
    },
    {
      name: 'isac',
      url: 'https://taxii.isac.example/feeds/',
      collectionId: 'ip-blocklist',
      username: null,
      password: null,
      token: TOKEN,
      intervalMinutes: 60,
      defaultConfidence: null,
      validityDays: null,
    },
  ]);
  assert.ok(Object.isFrozen(taxii) && Object.isFrozen(taxii[0]));
  const dumped = JSON.stringify(taxii);
  assert.ok(!dumped.includes(PASSWORD) && !dumped.includes(TOKEN), 'secrets are redacted when serialised');
  assert.match(dumped, /"password":"\[redacted\]"/);
});

test('one collection from the environment replaces the file’s list', () => {
  const file = configFile({
    threatIntel: { taxii: [{ name: 'old', url: 'https://old.example/api/', collectionId: 'c' }] },
  });
  const { taxii } = loadConfig({
    env: {
      VIGIL_CONFIG: file,
      VIGIL_TAXII_URL: 'https://cti.partner.example/api1/',
      VIGIL_TAXII_COLLECTION: COLLECTION,
      VIGIL_TAXII_TOKEN: TOKEN,
      VIGIL_TAXII_INTERVAL_MINUTES: '15',
    },
  }).threatIntel;
  assert.equal(taxii.length, 1);
  assert.equal(taxii[0]?.name, 'taxii');
  assert.equal(taxii[0]?.token, TOKEN);
  assert.equal(taxii[0]?.intervalMinutes, 15);
});

test('every problem of every collection is reported, naming the setting, never quoting a secret', () => {
  const file = configFile({
    threatIntel: {
      taxii: [
        {
          name: 'partner cti',
          url: 'ftp://cti.partner.example/',
          collectionId: '',
          username: 'vigil',
          intervalMinutes: 0,
        },
        {
          name: 'b',
          url: 'http://cti.partner.example/api1/',
          collectionId: 'c',
          token: TOKEN,
          colour: 'red',
        },
        { name: 'b', url: 'https://vigil:hunter2@cti.example/api1/', collectionId: 'c' },
        {
          name: 'd',
          url: 'https://cti.example/api1/',
          collectionId: 'c',
          token: TOKEN,
          password: PASSWORD,
          username: 'u',
        },
      ],
      misp: {},
    },
  });
  const problems = problemsOf(() => loadConfig({ env: { VIGIL_CONFIG: file } }));
  const text = problems.join('\n');
  assert.deepEqual(
    problems.map((p) => p.replace(`${file}: `, '')),
    [
      'threatIntel: unknown setting "misp"',
      "threatIntel: taxii[0].name: must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      'threatIntel: taxii[0].collectionId: is required',
      'threatIntel: taxii[0].password: is required with taxii[0].username',
      'threatIntel: taxii[0].url: must be an http(s) URL',
      'threatIntel: taxii[0].intervalMinutes: must be a whole number from 1 to 10080',
      'threatIntel: taxii[1]: unknown setting "colour"',
      'threatIntel: taxii[1].url: must be https when credentials are set (plain http only to localhost)',
      'threatIntel: taxii[2].url: must not carry credentials; set username and password, or a token',
      'threatIntel: taxii[3].token: give a token or a username and password, not both',
    ],
  );
  for (const secret of [PASSWORD, TOKEN, 'hunter2']) assert.ok(!text.includes(secret), secret);
});

test('environment problems name the variables, and come with the other settings’ problems', () => {
  const problems = problemsOf(() =>
    loadConfig({
      env: {
        VIGIL_PORT: 'eighty',
        VIGIL_TAXII_URL: 'http://cti.partner.example/api1/',
        VIGIL_TAXII_USERNAME: 'vigil',
        VIGIL_TAXII_PASSWORD: PASSWORD,
        VIGIL_TAXII_CONFIDENCE: '120',
      },
    }),
  );
  assert.deepEqual(problems, [
    'VIGIL_PORT: must be a whole number from 0 to 65535 (got "eighty")',
    'VIGIL_TAXII_COLLECTION: is required',
    'VIGIL_TAXII_URL: must be https when credentials are set (plain http only to localhost)',
    'VIGIL_TAXII_CONFIDENCE: must be a whole number from 0 to 100',
  ]);
});

test('plain http with credentials is allowed to a TAXII server on this machine', () => {
  const { taxii } = loadConfig({
    env: {
      VIGIL_TAXII_URL: 'http://127.0.0.1:9000/api1/',
      VIGIL_TAXII_COLLECTION: COLLECTION,
      VIGIL_TAXII_USERNAME: 'vigil',
      VIGIL_TAXII_PASSWORD: PASSWORD,
    },
  }).threatIntel;
  assert.equal(taxii[0]?.url, 'http://127.0.0.1:9000/api1/');
});
