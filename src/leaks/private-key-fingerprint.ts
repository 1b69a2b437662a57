import { createPrivateKey, createPublicKey } from 'node:crypto';
import { publicKeyFingerprint } from './public-key-fingerprint.ts';

/**
 * The public key fingerprint of a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC). The key itself is
 * dropped as soon as the fingerprint is known. Null for encrypted, truncated or unreadable keys.
 */
export function privateKeyFingerprint(pem: string): string | null {
  try {
    return publicKeyFingerprint(createPublicKey(createPrivateKey(pem)));
  } catch {
    return null;
  }
}
