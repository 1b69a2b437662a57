import { guidShape, MIXED_CASE_GUID } from './normalise-guid.ts';
import { optionalString } from './optional-string.ts';

/** Longer than any Entra identifier (audit ids are ~60 characters); longer values are not ids. */
const MAX_IDENTIFIER_LENGTH = 256;

/**
 * An identifier that is usually but not always a GUID (audit ids are `Directory_<guid>_…`, resource
 * ids may be URIs): trimmed, lower-cased when it is a GUID, null when blank or implausibly long.
 */
export function normaliseIdentifier(value: unknown): string | null {
  const s = optionalString(value);
  if (s === null || s.length > MAX_IDENTIFIER_LENGTH) return null;
  return guidShape(s) === MIXED_CASE_GUID ? s.toLowerCase() : s;
}
