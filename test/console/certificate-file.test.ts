import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type NewCertificate, newCertificate } from '../../src/credentials/new-certificate.ts';
import { certificateKey } from '../../web/src/certificate-file.ts';

// What the console sends to addKey from the file an administrator picks: the certificate's DER in
// base64, whatever the file's encoding, and never a private key that sits beside it.

let cert: NewCertificate;
before(async () => {
  cert = await newCertificate({ commonName: 'billing-sync' });
});

test('a PEM certificate becomes its base64 DER, armour and line breaks stripped', () => {
  const pem = Buffer.from(cert.certificatePem.replaceAll('\n', '\r\n'));
  assert.deepEqual(certificateKey(pem), { key: cert.key, privateKeySkipped: false });
});

test('a PEM file holding the private key too gives the certificate alone, and says so', () => {
  const both = Buffer.from(`${cert.privateKeyPem}${cert.certificatePem}`);
  const read = certificateKey(both);
  assert.equal(read.key, cert.key);
  assert.equal(read.privateKeySkipped, true);
  assert.ok(!read.key.includes(cert.privateKeyPem.split('\n')[1] ?? '-'), 'no part of the key is sent');
});

test('a DER certificate is base64-encoded as it is', () => {
  assert.deepEqual(certificateKey(Buffer.from(cert.key, 'base64')), {
    key: cert.key,
    privateKeySkipped: false,
  });
});

test('what is no certificate is refused with a reason', () => {
  assert.throws(() => certificateKey(new Uint8Array()), /empty/);
  assert.throws(() => certificateKey(Buffer.from('client_secret=abc')), /Not a certificate/);
  assert.throws(() => certificateKey(Buffer.from(cert.privateKeyPem)), /holds no certificate/);
  assert.throws(() => certificateKey(new Uint8Array(300 * 1024).fill(0x30)), /too large/);
});
