import { keyCredentialJson, passwordCredentialJson } from '../../credentials/graph-credential-json.ts';
import type { CredentialTable } from '../../store/schema.ts';

/** The Graph keyCredentials and passwordCredentials of an object, from its current credentials. */
export function credentialsJson(rows: readonly CredentialTable[]): {
  keyCredentials: Record<string, unknown>[];
  passwordCredentials: Record<string, unknown>[];
} {
  const keyCredentials: Record<string, unknown>[] = [];
  const passwordCredentials: Record<string, unknown>[] = [];
  for (const c of rows) {
    if (c.type === 'certificate') keyCredentials.push(keyCredentialJson(c));
    else if (c.type === 'password') passwordCredentials.push(passwordCredentialJson(c));
  }
  return { keyCredentials, passwordCredentials };
}
