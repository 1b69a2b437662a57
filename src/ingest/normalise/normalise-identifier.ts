import { guidShape } from './normalise-guid.ts';
import { optionalString } from './optional-string.ts';

/** Longer than any Entra identifier (audit ids are ~60 characters); longer values are not ids. */
const MAX_IDENTIFIER_LENGTH = 256;
/** Upper-case hex: only GUIDs containing one need the full shape check and lower-casing. */
const UPPER_HEX = /[A-F]/;

/**
 * An identifier that is usually but not always a GUID (audit ids are `Directory_<guid>_…`, resource
 * ids may be URIs): trimmed, lower-cased when it is a GUID, null when blank or implausibly long.
 */
export function normaliseIdentifier(value: unknown): string | null {
  const s = optionalString(value);
  if (s === null || s.length > MAX_IDENTIFIER_LENGTH) return null;
  // A sign-in carries eight of these; the common lower-case GUID is settled by one cheap test.
  if (s.length !== 36 || !UPPER_HEX.test(s)) return s;
  return guidShape(s) === 'mixed' ? s.toLowerCase() : s;
}
