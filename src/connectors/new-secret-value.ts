import { randomBytes } from 'node:crypto';

/**
 * A new secret value: 40 characters of the URL-safe base64 alphabet from 30 random bytes (240
 * bits), safe in connection strings, environment variables and URLs without escaping.
 */
export function newSecretValue(): string {
  return randomBytes(30).toString('base64url');
}
