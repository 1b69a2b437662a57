import type { ClientCredentialType } from '../../domain/index.ts';

const MEMBERS: readonly ClientCredentialType[] = [
  'none',
  'clientSecret',
  'clientAssertion',
  'federatedIdentityCredential',
  'managedIdentity',
  'certificate',
  'unknownFutureValue',
];

/** Members keyed by their exact and their lower-case spelling: exact hits skip `toLowerCase`. */
const BY_SPELLING = new Map<string, ClientCredentialType>(
  MEMBERS.flatMap((m) => [
    [m, m],
    [m.toLowerCase(), m],
  ]),
);

/**
 * A sign-in's `clientCredentialType` as a Graph enum member. Values Graph may add later map to
 * `unknownFutureValue`, as Graph itself does for older clients; null when absent or blank.
 */
export function normaliseCredentialType(value: unknown): ClientCredentialType | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const exact = BY_SPELLING.get(value);
  if (exact !== undefined) return exact;
  const key = value.trim().toLowerCase();
  if (key.length === 0) return null;
  return BY_SPELLING.get(key) ?? 'unknownFutureValue';
}
