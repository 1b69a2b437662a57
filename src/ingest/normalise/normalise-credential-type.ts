import type { ClientCredentialType } from '../../domain/index.ts';

/** Graph `clientCredentialType` members, keyed by their lower-case spelling for tolerant lookup. */
const CREDENTIAL_TYPES = new Map<string, ClientCredentialType>([
  ['none', 'none'],
  ['clientsecret', 'clientSecret'],
  ['clientassertion', 'clientAssertion'],
  ['federatedidentitycredential', 'federatedIdentityCredential'],
  ['managedidentity', 'managedIdentity'],
  ['certificate', 'certificate'],
  ['unknownfuturevalue', 'unknownFutureValue'],
]);

/**
 * A sign-in's `clientCredentialType` as a Graph enum member. Values Graph may add later map to
 * `unknownFutureValue`, as Graph itself does for older clients; null when absent or blank.
 */
export function normaliseCredentialType(value: unknown): ClientCredentialType | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const exact = CREDENTIAL_TYPES.get(value);
  if (exact !== undefined && exact === value) return exact;
  const key = value.trim().toLowerCase();
  if (key.length === 0) return null;
  return CREDENTIAL_TYPES.get(key) ?? 'unknownFutureValue';
}
