import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadLeakFixture, TEST_CERTIFICATE } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { publicKeyFingerprint } from './public-key-fingerprint.ts';
import { readCertificate } from './read-certificate.ts';
import { readPemCredentials } from './read-pem-credentials.ts';

const bundle = loadLeakFixture('repo/certs/billing-sync-test.pem');
const certificatePem = bundle.slice(
  bundle.indexOf('-----BEGIN CERTIFICATE-----'),
  bundle.indexOf('-----BEGIN PRIVATE KEY-----'),
);
const keyPem = bundle.slice(bundle.indexOf('-----BEGIN PRIVATE KEY-----'));

describe('readCertificate', () => {
  it("computes the thumbprint openssl gives (`openssl x509 -fingerprint -sha1`) and the public key's SHA-256", () => {
    const facts = readCertificate(certificatePem);
    assert.equal(facts?.thumbprint, '3CA72BA65131A3FB4DE71FE9CDBB1B25AFA74E3E');
    assert.equal(facts?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
  });

  it("reads base64 DER, as Graph's keyCredential.key carries it", () => {
    const der = certificatePem.replace(/-----[A-Z ]+-----|\s/g, '');
    assert.equal(readCertificate(der)?.thumbprint, TEST_CERTIFICATE.thumbprint);
    assert.equal(readCertificate(Buffer.from(der, 'base64'))?.thumbprint, TEST_CERTIFICATE.thumbprint);
  });

  it('gives null for what is not a certificate', () => {
    assert.equal(readCertificate('not a certificate'), null);
    assert.equal(readCertificate('AAAA'), null);
  });
});

describe('readPemCredentials', () => {
  it('pairs a private key with its certificate: one credential carrying the thumbprint', () => {
    const { credentials, unreadable } = readPemCredentials(bundle);
    assert.deepEqual(unreadable, []);
    assert.equal(credentials.length, 1);
    const [key] = credentials;
    assert.equal(key?.kind, 'privateKey');
    assert.equal(key?.thumbprint, TEST_CERTIFICATE.thumbprint);
    assert.equal(key?.publicKeyFingerprint, TEST_CERTIFICATE.publicKeyFingerprint);
    assert.match(key?.certificatePem ?? '', /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(key?.offset, bundle.indexOf('-----BEGIN PRIVATE KEY-----'));
  });

  it('reads a lone private key to its public key fingerprint only', () => {
    const { credentials } = readPemCredentials(keyPem);
    assert.deepEqual(
      credentials.map((c) => [c.kind, c.thumbprint, c.certificatePem, c.publicKeyFingerprint]),
      [['privateKey', null, null, TEST_CERTIFICATE.publicKeyFingerprint]],
    );
  });

  it('reads PEM pasted as an escaped JSON string or as indented YAML', () => {
    const json = `{"certificate": ${JSON.stringify(certificatePem)}}`;
    assert.equal(readPemCredentials(json).credentials[0]?.thumbprint, TEST_CERTIFICATE.thumbprint);
    const yaml = `tls:\n  key: |\n${keyPem.replace(/^/gm, '    ')}`;
    assert.equal(
      readPemCredentials(yaml).credentials[0]?.publicKeyFingerprint,
      TEST_CERTIFICATE.publicKeyFingerprint,
    );
  });

  it('reads PKCS#1 RSA and SEC1 EC private keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const text = [
      rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
      ec.privateKey.export({ type: 'sec1', format: 'pem' }),
    ].join('\n');
    assert.match(text, /BEGIN RSA PRIVATE KEY[\s\S]*BEGIN EC PRIVATE KEY/);
    assert.deepEqual(
      readPemCredentials(text).credentials.map((c) => c.publicKeyFingerprint),
      [publicKeyFingerprint(rsa.publicKey), publicKeyFingerprint(ec.publicKey)],
    );
  });

  it('reports truncated and encrypted blocks instead of dropping them', () => {
    const lines = keyPem.trim().split('\n');
    const truncated = [...lines.slice(0, 6), lines.at(-1)].join('\n');
    const encrypted =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----';
    const { credentials, unreadable } = readPemCredentials(`${truncated}\n${encrypted}`);
    assert.deepEqual(credentials, []);
    assert.deepEqual(
      unreadable.map((u) => u.label),
      ['PRIVATE KEY', 'RSA PRIVATE KEY'],
    );
  });
});
