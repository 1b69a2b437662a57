import { createHash, type KeyObject } from 'node:crypto';

/**
 * SHA-256 of a public key's SubjectPublicKeyInfo DER, lower-case hex: the one identity a certificate
 * and its private key share, so a leaked key can be tied to a certificate credential.
 */
export function publicKeyFingerprint(key: KeyObject): string {
  const spki = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}
