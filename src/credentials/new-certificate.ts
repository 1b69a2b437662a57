import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { readCertificate } from '../leaks/read-certificate.ts';

/** A fresh key pair and its self-signed certificate, returned once: Vigil keeps only the certificate. */
export interface NewCertificate {
  certificatePem: string;
  /** PKCS#8 PEM: shown once to the administrator, never stored. */
  privateKeyPem: string;
  /** Base64 DER, as Graph's `keyCredential.key`. */
  key: string;
  /** SHA-1 of the DER, upper-case hex (Entra's `customKeyIdentifier`). */
  thumbprint: string;
  startDateTime: string;
  endDateTime: string;
}

/** What the certificate is issued for. */
export interface NewCertificateOptions {
  /** Common name of the subject (and issuer: it is self-signed). */
  commonName: string;
  /** Validity in days from `now` (default 365: Entra recommends short-lived credentials). */
  days?: number;
  now?: Date;
}

const ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/**
 * Generates an RSA 2048 key pair and a self-signed X.509 certificate for a workload to sign in with:
 * the credential Entra recommends over client secrets. The private key never touches the store.
 */
export async function newCertificate(options: NewCertificateOptions): Promise<NewCertificate> {
  const crypto = webcrypto;
  // Node's WebCrypto is the standard one; the library's type names the DOM global, absent here.
  x509.cryptoProvider.set(crypto as never);
  const now = options.now ?? new Date();
  // Backdated a few minutes: a clock slightly behind on the workload's side must not reject it yet.
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + (options.days ?? 365) * 86_400_000);
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const name = `CN=${options.commonName.replace(/[,+="<>#;\\]/g, ' ').trim() || 'workload'}`;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const der = Buffer.from(certificate.rawData);
  const facts = readCertificate(der);
  if (facts === null) throw new Error('the generated certificate cannot be read back');
  return {
    certificatePem: facts.pem,
    privateKeyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY'),
    key: der.toString('base64'),
    thumbprint: facts.thumbprint,
    startDateTime: notBefore.toISOString(),
    endDateTime: notAfter.toISOString(),
  };
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
