import type { CredentialTable } from '../../store/schema.ts';

/** The Graph keyCredentials and passwordCredentials of an object, from its current credentials. */
export function credentialsJson(rows: readonly CredentialTable[]): {
  keyCredentials: Record<string, unknown>[];
  passwordCredentials: Record<string, unknown>[];
} {
  const keyCredentials: Record<string, unknown>[] = [];
  const passwordCredentials: Record<string, unknown>[] = [];
  for (const c of rows) {
    if (c.type === 'certificate') {
      keyCredentials.push({
        // Graph defaults customKeyIdentifier to the certificate's thumbprint.
        customKeyIdentifier: c.thumbprint,
        displayName: c.display_name,
        endDateTime: c.end_date_time,
        key: null,
        keyId: c.key_id,
        startDateTime: c.start_date_time,
        type: c.key_type ?? 'AsymmetricX509Cert',
        usage: c.usage ?? 'Verify',
      });
    } else if (c.type === 'password') {
      passwordCredentials.push({
        customKeyIdentifier: null,
        displayName: c.display_name,
        endDateTime: c.end_date_time,
        hint: c.hint,
        keyId: c.key_id,
        secretText: null,
        startDateTime: c.start_date_time,
      });
    }
  }
  return { keyCredentials, passwordCredentials };
}
