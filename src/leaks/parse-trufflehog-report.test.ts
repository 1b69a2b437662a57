import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLeakFixture, TEST_CERTIFICATE } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { parseTrufflehogReport } from './parse-trufflehog-report.ts';

const BILLING_APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SECRET = 'Qx78Q~FAKE-test-secret.do-not-use.000000';

describe('parseTrufflehogReport', () => {
  const { leaks, rejected } = parseTrufflehogReport(loadLeakFixture('trufflehog.jsonl'));

  it('reads a verified Azure finding from git with its app and tenant from RawV2', () => {
    const [leak] = leaks;
    assert.equal(leak?.kind, 'clientSecret');
    assert.equal(leak?.secret, SECRET);
    assert.equal(leak?.appId, BILLING_APP);
    assert.equal(leak?.tenantId, TENANT);
    assert.equal(leak?.verified, true);
    assert.equal(leak?.file, '.env');
    assert.equal(leak?.line, 4);
    assert.equal(leak?.commit, '4b8e2f1c9d7a3e6b5f0c2d8a1e9b7f3c6d4a2e10');
    assert.equal(leak?.url, 'https://github.com/contoso/billing-sync.git');
    assert.equal(leak?.foundAt, '2025-08-19T14:02:51.000Z');
    assert.equal(leak?.detector, 'Azure');
  });

  it('reads an older-shape secret from a filesystem scan', () => {
    const leak = leaks[1];
    assert.equal(leak?.secret, 'Lg4.FAKE-legacy:secret[TEST]_00004');
    assert.equal(leak?.file, '/srv/legacy-reporting/config/daemon.ini');
    assert.equal(leak?.line, 7);
    assert.deepEqual(
      [leak?.appId, leak?.tenantId, leak?.commit, leak?.foundAt, leak?.verified],
      [null, null, null, null, false],
    );
  });

  it('reads a PrivateKey finding to its fingerprint', () => {
    assert.equal(leaks[2]?.kind, 'privateKey');
    assert.equal(leaks[2]?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
    assert.equal(leaks[2]?.line, 25);
    assert.equal(leaks.length, 3);
  });

  it('reports the cut-short line and skips detectors of other services, AzureStorage included', () => {
    assert.deepEqual(rejected, [
      { line: 4, reason: 'line is not JSON', skipped: false },
      { line: 5, reason: 'AWS: not an Azure credential', skipped: true },
      { line: 6, reason: 'AzureStorage: not an Azure credential', skipped: true },
    ]);
  });

  it('accepts detector name variants and ids in ExtraData under any capitalisation', () => {
    const finding = (name: string) =>
      JSON.stringify({
        SourceMetadata: {
          Data: {
            Github: { link: 'https://github.com/contoso/ops/blob/main/a.env#L2', file: 'a.env', line: 2 },
          },
        },
        DetectorName: name,
        Raw: SECRET,
        ExtraData: { Tenant: TENANT.toUpperCase(), Client: BILLING_APP },
      });
    const names = [
      'AzureEntraIDClientSecret',
      'AzureEntraServicePrincipal',
      'Azure_AD_Client_Secret',
      'azure',
    ];
    const { leaks: read, rejected: none } = parseTrufflehogReport(names.map(finding).join('\n'));
    assert.deepEqual(none, []);
    assert.deepEqual(
      read.map((l) => [l.detector, l.appId, l.tenantId, l.url]),
      names.map((n) => [n, BILLING_APP, TENANT, 'https://github.com/contoso/ops/blob/main/a.env#L2']),
    );
  });

  it('keeps a Q~-shaped secret found by another detector, but not other detectors’ plain values', () => {
    const lines = [
      JSON.stringify({ DetectorName: 'Generic', Raw: SECRET }),
      JSON.stringify({ DetectorName: 'AzureRefreshToken', Raw: '0.AXEAFAKE' }),
    ].join('\n');
    const { leaks: read, rejected: skipped } = parseTrufflehogReport(lines);
    assert.deepEqual(
      read.map((l) => l.secret),
      [SECRET],
    );
    assert.deepEqual(skipped, [
      { line: 2, reason: 'AzureRefreshToken: not an Azure credential', skipped: true },
    ]);
  });

  it('rejects an Entra finding whose secret was left out', () => {
    assert.deepEqual(
      parseTrufflehogReport(JSON.stringify({ DetectorName: 'Azure', Raw: '', Redacted: 'Qx78Q...' }))
        .rejected,
      [{ index: 0, reason: 'Azure: no usable client secret in Raw', skipped: false }],
    );
  });
});
