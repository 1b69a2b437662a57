import { createHash, X509Certificate } from 'node:crypto';
import { publicKeyFingerprint } from './public-key-fingerprint.ts';

/** What matching needs to know of a certificate. */
export interface CertificateFacts {
  /** The certificate re-encoded as PEM. */
  pem: string;
  /** SHA-1 of the DER, upper-case hex, as Entra's `customKeyIdentifier`. */
  thumbprint: string;
  publicKeyFingerprint: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads an X.509 certificate given as PEM, as base64 DER (Graph's `keyCredential.key`) or as DER
 * bytes. Null when it is none of these.
 */
export function readCertificate(input: string | Uint8Array): CertificateFacts | null {
  let source: string | Buffer;
  if (typeof input !== 'string') source = Buffer.from(input);
  else if (input.includes('-----BEGIN')) source = input;
  else {
    const compact = input.replace(/\s+/g, '');
    if (!BASE64.test(compact)) return null;
    source = Buffer.from(compact, 'base64');
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(source);
  } catch {
    return null;
  }
  return {
    pem: certificate.toString(),
    thumbprint: createHash('sha1').update(certificate.raw).digest('hex').toUpperCase(),
    publicKeyFingerprint: publicKeyFingerprint(certificate.publicKey),
  };
}
