import type { ClientCredentialType } from '../../domain/index.ts';
import { createEnumNormaliser } from './normalise-enum-member.ts';

/**
 * A sign-in's `clientCredentialType` as a Graph enum member. Values Graph may add later map to
 * `unknownFutureValue`, as Graph itself does for older clients; null when absent or blank.
 */
export const normaliseCredentialType = createEnumNormaliser<ClientCredentialType>(
  [
    'none',
    'clientSecret',
    'clientAssertion',
    'federatedIdentityCredential',
    'managedIdentity',
    'certificate',
    'unknownFutureValue',
  ],
  'unknownFutureValue',
);
