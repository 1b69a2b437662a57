import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  leakFixturePath,
  loadLeakFixture,
  TEST_CERTIFICATE,
} from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { scanPath, scanText } from './scan-for-secrets.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const SECRET = 'Qx78Q~FAKE-test-secret.do-not-use.000000';
const repo = leakFixturePath('repo');

describe('scanPath over the fixture repository', async () => {
  const scan = await scanPath(repo);

  it('finds the .env secret with its file, line, labelled app id and tenant id', () => {
    const leak = scan.leaks.find((l) => l.file === join(repo, '.env'));
    assert.equal(leak?.kind, 'clientSecret');
    assert.equal(leak?.source, 'scan');
    assert.equal(leak?.secret, SECRET);
    assert.equal(leak?.line, 4);
    assert.equal(leak?.appId, BILLING_APP);
    assert.equal(leak?.tenantId, TENANT);
  });

  it('finds the appsettings.json secret and reads the JSON-labelled ids', () => {
    const leak = scan.leaks.find((l) => l.file === join(repo, 'src', 'appsettings.json'));
    assert.equal(leak?.secret, 'm2L5Q~FAKE.appsettings.secret-TEST-0001');
    assert.equal(leak?.line, 6);
    assert.equal(leak?.appId, BILLING_APP);
    assert.equal(leak?.tenantId, TENANT);
  });

  it('finds the certificate and key as one private key leak with the thumbprint', () => {
    const leak = scan.leaks.find((l) => l.file === join(repo, 'certs', 'billing-sync-test.pem'));
    assert.equal(leak?.kind, 'privateKey');
    assert.equal(leak?.thumbprint, TEST_CERTIFICATE.thumbprint);
    assert.equal(leak?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
    assert.equal(leak?.line, 25);
  });

  it('reports nothing else: no look-alikes from the runbook, nothing from the binary file', () => {
    assert.deepEqual(
      scan.leaks.map((l) => [l.file, l.line]),
      [
        [join(repo, '.env'), 4],
        [join(repo, 'certs', 'billing-sync-test.pem'), 25],
        [join(repo, 'src', 'appsettings.json'), 6],
      ],
    );
    assert.deepEqual(scan.skipped, [{ file: join(repo, 'assets', 'logo.png'), reason: 'binary' }]);
    assert.deepEqual(scan.rejected, []);
    assert.equal(scan.filesScanned, 5);
    assert.equal(scan.truncated, false);
  });
});

describe('scanText', () => {
  it('does not take GUIDs, base64 blobs or secret-shaped runs inside longer tokens for secrets', () => {
    assert.deepEqual(scanText(loadLeakFixture('repo/docs/runbook.md'), 'runbook.md'), {
      leaks: [],
      rejected: [],
    });
    const lookAlikes = [
      'correlation 9f4c2e86-1b7a-4d53-8e29-5a0d3c7f1b64',
      `blob ${Buffer.alloc(96, 0x5a).toString('base64')}`,
      `token x${SECRET}`,
      `token ${SECRET}abc`,
      `token ${SECRET.slice(0, -10)}`,
    ].join('\n');
    assert.deepEqual(scanText(lookAlikes).leaks, []);
  });

  it('finds a secret between quotes, after = and at the very start and end of the text', () => {
    assert.deepEqual(
      scanText(`${SECRET}\nsecret: "${SECRET}"\n--client-secret=${SECRET}`, 'x').leaks.map((l) => l.line),
      [1, 2, 3],
    );
  });

  it('attaches only clearly labelled ids, and none when two configurations are equally near', () => {
    const subscriptionOnly = `AZURE_SUBSCRIPTION_ID=0b7d3f19-6a2c-4e58-9d14-8c3e5a7f2b60\nAZURE_CLIENT_SECRET=${SECRET}`;
    assert.equal(scanText(subscriptionOnly).leaks[0]?.appId, null);
    const twoApps = [
      'A_CLIENT_ID=3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
      `A_CLIENT_SECRET=${SECRET}`,
      'B_CLIENT_ID=1c7e5a93-b4d2-4f68-8e3a-9a0d6c2f5b71',
    ].join('\n');
    assert.equal(scanText(twoApps).leaks[0]?.appId, null);
    const cli = `az login --service-principal --username x --password ${SECRET} --tenant ${TENANT}\n--client-id ${BILLING_APP}`;
    assert.deepEqual(
      [scanText(cli).leaks[0]?.appId, scanText(cli).leaks[0]?.tenantId],
      [BILLING_APP, TENANT],
    );
    const authority = `"Authority": "https://login.microsoftonline.com/${TENANT}/v2.0",\n"ClientSecret": "${SECRET}"`;
    assert.equal(scanText(authority).leaks[0]?.tenantId, TENANT);
    const far = `AZURE_CLIENT_ID=${BILLING_APP}\n\n\n\n\n\nAZURE_CLIENT_SECRET=${SECRET}`;
    assert.equal(scanText(far).leaks[0]?.appId, null);
  });

  it('finds a private key pasted into JSON with escaped line breaks, at its line', () => {
    const key = loadLeakFixture('repo/certs/billing-sync-test.pem').split('-----BEGIN PRIVATE KEY-----')[1]!;
    const json = `{\n  "type": "service_account",\n  "private_key": ${JSON.stringify(`-----BEGIN PRIVATE KEY-----${key}`)}\n}`;
    const { leaks } = scanText(json, 'sa.json');
    assert.deepEqual(
      leaks.map((l) => [l.kind, l.line, l.publicKeyFingerprint]),
      [['privateKey', 3, TEST_CERTIFICATE.publicKeyFingerprint]],
    );
  });

  it('reports a broken key block by line', () => {
    const text = 'line one\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    assert.deepEqual(scanText(text).rejected, [
      { line: 2, reason: 'private key could not be parsed (truncated?)', skipped: false },
    ]);
  });
});

describe('scanPath limits', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-scan-'));
    await writeFile(join(dir, 'a.env'), `AZURE_CLIENT_SECRET=${SECRET}\n`);
    await writeFile(join(dir, 'big.log'), `${SECRET}\n${'x'.repeat(5 * 1024 * 1024)}`);
    await writeFile(join(dir, 'c.env'), `AZURE_CLIENT_SECRET=${SECRET}\n`);
    await symlink(join(dir, 'a.env'), join(dir, 'link.env'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('skips files over 5 MB and symbolic links, saying so', async () => {
    const scan = await scanPath(dir);
    assert.deepEqual(
      scan.leaks.map((l) => l.file),
      [join(dir, 'a.env'), join(dir, 'c.env')],
    );
    assert.deepEqual(scan.skipped, [
      { file: join(dir, 'big.log'), reason: 'larger than 5242880 bytes' },
      { file: join(dir, 'link.env'), reason: 'symbolic link not followed' },
    ]);
  });

  it('stops at the total bound and says the scan was truncated', async () => {
    const scan = await scanPath(dir, { maxTotalBytes: 100 });
    assert.equal(scan.truncated, true);
    assert.deepEqual(
      scan.leaks.map((l) => l.file),
      [join(dir, 'a.env')],
    );
  });

  it('scans a single file given directly', async () => {
    const scan = await scanPath(join(repo, '.env'));
    assert.equal(scan.leaks.length, 1);
    assert.equal(scan.filesScanned, 1);
  });
});
