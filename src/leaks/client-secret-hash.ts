import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A salted hash of a client secret, both base64: what Vigil may keep of a secret it issued. */
export interface SecretHash {
  salt: string;
  hash: string;
}

// scrypt's defaults (N=2^14, r=8, p=1): ~50 ms a check, which matching spends only on the few
// credentials whose hint already agrees with the leaked secret.
const HASH_BYTES = 32;

/** Hashes a client secret with a fresh (or given) salt, so a later leak can be confirmed against it. */
export function hashClientSecret(
  secret: string,
  salt: string = randomBytes(16).toString('base64'),
): SecretHash {
  return { salt, hash: scryptSync(secret, salt, HASH_BYTES).toString('base64') };
}

/** Whether a secret is the one a stored salted hash was made from (constant-time comparison). */
export function verifyClientSecretHash(secret: string, salt: string, hash: string): boolean {
  const expected = Buffer.from(hash, 'base64');
  if (expected.length !== HASH_BYTES) return false;
  return timingSafeEqual(scryptSync(secret, salt, HASH_BYTES), expected);
}
