import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLeakFixture, TEST_CERTIFICATE } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { parseGitleaksReport } from './parse-gitleaks-report.ts';

describe('parseGitleaksReport', () => {
  const { leaks, rejected } = parseGitleaksReport(loadLeakFixture('gitleaks-report.json'));

  it('keeps the Azure rule finding with where and when it was committed', () => {
    const commit = '4b8e2f1c9d7a3e6b5f0c2d8a1e9b7f3c6d4a2e10';
    assert.deepEqual(leaks[0], {
      kind: 'clientSecret',
      source: 'gitleaks',
      secret: 'Qx78Q~FAKE-test-secret.do-not-use.000000',
      certificatePem: null,
      publicKeyFingerprint: null,
      thumbprint: null,
      appId: null,
      tenantId: null,
      url: `https://github.com/contoso/billing-sync/blob/${commit}/.env#L4`,
      file: '.env',
      line: 4,
      foundAt: '2025-08-19T14:02:51.000Z',
      commit,
      detector: 'azure-ad-client-secret',
      verified: null,
      resolved: false,
      resolution: null,
    });
  });

  it('keeps a generic-api-key finding whose value has the Entra client secret shape', () => {
    assert.equal(leaks[1]?.kind, 'clientSecret');
    assert.equal(leaks[1]?.secret, 'm2L5Q~FAKE.appsettings.secret-TEST-0001');
    assert.equal(leaks[1]?.detector, 'generic-api-key');
    assert.equal(leaks[1]?.file, 'src/appsettings.json');
    // `2025-09-02 11:47:10 +0200`, git's own date format.
    assert.equal(leaks[1]?.foundAt, '2025-09-02T09:47:10.000Z');
  });

  it('keeps a private key as its public key fingerprint, with no commit in a directory scan', () => {
    assert.equal(leaks[2]?.kind, 'privateKey');
    assert.equal(leaks[2]?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
    assert.equal(leaks[2]?.secret, null);
    assert.equal(leaks[2]?.file, 'certs/billing-sync-test.pem');
    assert.equal(leaks[2]?.line, 25);
    assert.deepEqual([leaks[2]?.commit, leaks[2]?.url, leaks[2]?.foundAt], [null, null, null]);
    assert.equal(leaks.length, 3);
  });

  it('skips findings that are not Azure credentials and rejects redacted ones as unusable', () => {
    assert.deepEqual(rejected, [
      { index: 2, reason: 'generic-api-key: not an Azure credential', skipped: true },
      { index: 3, reason: 'aws-access-token: not an Azure credential', skipped: true },
      {
        index: 5,
        reason:
          'azure-ad-client-secret: secret redacted in the report (run gitleaks without --redact so it can be matched)',
        skipped: false,
      },
    ]);
  });

  it('never throws on broken input', () => {
    assert.deepEqual(parseGitleaksReport('[{"RuleID": "azure-ad-client-sec'), {
      leaks: [],
      rejected: [{ line: 1, reason: 'line is not JSON', skipped: false }],
    });
    assert.deepEqual(parseGitleaksReport('[{"File": ".env"}, 42]').rejected, [
      { index: 0, reason: 'not a gitleaks finding (no RuleID)', skipped: false },
      { index: 1, reason: 'not a gitleaks finding (no RuleID)', skipped: false },
    ]);
    assert.deepEqual(parseGitleaksReport(''), { leaks: [], rejected: [] });
  });
});

describe('parseGitleaksReport, the app and tenant beside the secret', () => {
  it('reads the client and tenant ids the line or match labels, so the secret is matched within that app', () => {
    const report = JSON.stringify([
      {
        RuleID: 'azure-ad-client-secret',
        Secret: 'Qx78Q~FAKE-test-secret.do-not-use.000000',
        Match: 'AZURE_CLIENT_SECRET=Qx78Q~FAKE-test-secret.do-not-use.000000',
        Line: 'AZURE_CLIENT_ID=3F1C9A2E-7B4D-4E8A-9C6F-1D2E3F4A5B6C AZURE_TENANT_ID=6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14 AZURE_CLIENT_SECRET=Qx78Q~FAKE-test-secret.do-not-use.000000',
        File: 'deploy/env.sh',
        StartLine: 3,
        Date: '2025-08-19T14:02:51Z',
      },
      {
        RuleID: 'azure-ad-client-secret',
        Secret: 'Qx78Q~FAKE-test-secret.do-not-use.000001',
        Match: 'secret: Qx78Q~FAKE-test-secret.do-not-use.000001',
        File: 'values.yaml',
        StartLine: 9,
      },
    ]);
    const { leaks } = parseGitleaksReport(report);
    assert.deepEqual(
      leaks.map((l) => [l.appId, l.tenantId]),
      [
        ['3f1c9a2e-7b4d-4e8a-9c6f-1d2e3f4a5b6c', '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14'],
        [null, null],
      ],
    );
  });
});
