import type { CredentialTable } from '../store/schema.ts';

/** Graph's `passwordCredential` of a stored credential; `secretText` only when just issued. */
export function passwordCredentialJson(
  c: CredentialTable,
  secretText: string | null = null,
): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: c.display_name,
    endDateTime: c.end_date_time,
    hint: c.hint,
    keyId: c.key_id,
    secretText,
    startDateTime: c.start_date_time,
  };
}

/** Graph's `keyCredential` of a stored certificate (Graph returns `key` only on request: null). */
export function keyCredentialJson(c: CredentialTable): Record<string, unknown> {
  return {
    // Graph defaults customKeyIdentifier to the certificate's thumbprint.
    customKeyIdentifier: c.thumbprint,
    displayName: c.display_name,
    endDateTime: c.end_date_time,
    key: null,
    keyId: c.key_id,
    startDateTime: c.start_date_time,
    type: c.key_type ?? 'AsymmetricX509Cert',
    usage: c.usage ?? 'Verify',
  };
}

/** Graph's `federatedIdentityCredential` of a stored one (the inventory keeps no description). */
export function federatedCredentialJson(
  c: CredentialTable,
  description: string | null = null,
): Record<string, unknown> {
  return {
    id: c.key_id,
    name: c.display_name,
    issuer: c.issuer,
    subject: c.subject,
    audiences: c.audiences === null ? [] : (JSON.parse(c.audiences) as string[]),
    description,
  };
}
