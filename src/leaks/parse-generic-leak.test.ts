import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLeakFixture, TEST_CERTIFICATE } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { parseGenericLeak } from './parse-generic-leak.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';

describe('parseGenericLeak', () => {
  const { leaks, rejected } = parseGenericLeak(loadLeakFixture('generic-leaks.json'));

  it('reads a secret with its app id lower-cased', () => {
    assert.equal(leaks[0]?.kind, 'clientSecret');
    assert.equal(leaks[0]?.source, 'generic');
    assert.equal(leaks[0]?.secret, 'Zt56Q~FAKE-generic-leak-TEST-secret-0003');
    assert.equal(leaks[0]?.appId, '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35');
    assert.equal(leaks[0]?.tenantId, TENANT);
    assert.equal(leaks[0]?.url, 'https://pastebin.invalid/raw/vK3dF8qa');
    assert.equal(leaks[0]?.foundAt, '2025-11-03T07:40:00.000Z');
  });

  it('makes one private key leak of a certificate given with its key', () => {
    assert.equal(leaks[1]?.kind, 'privateKey');
    assert.equal(leaks[1]?.thumbprint, TEST_CERTIFICATE.thumbprint);
    assert.equal(leaks[1]?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
    assert.equal(leaks[1]?.foundAt, '2025-11-04T11:00:00.000Z');
  });

  it('reads a certificate given as base64 DER', () => {
    assert.equal(leaks[2]?.kind, 'certificate');
    assert.equal(leaks[2]?.thumbprint, TEST_CERTIFICATE.thumbprint);
    assert.match(leaks[2]?.certificatePem ?? '', /^-----BEGIN CERTIFICATE-----/);
    assert.equal(leaks.length, 3);
  });

  it('rejects records it cannot trust or use, saying why', () => {
    assert.deepEqual(rejected, [
      { index: 3, reason: 'appId is not a GUID; foundAt is not a timestamp', skipped: false },
      { index: 4, reason: 'needs one of secret, certificate or privateKey', skipped: false },
    ]);
  });

  it('reads one record per line too', () => {
    const lines = [
      JSON.stringify({
        clientId: '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
        secret: 'Zt56Q~FAKE-generic-leak-TEST-secret-0003',
      }),
      JSON.stringify({ secret: 'too short' }),
    ].join('\n');
    const result = parseGenericLeak(lines);
    assert.equal(result.leaks[0]?.appId, '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35');
    assert.deepEqual(result.rejected, [
      {
        line: 2,
        reason: 'secret is not 16 to 64 characters without spaces, as Entra client secrets are',
        skipped: false,
      },
    ]);
  });
});
