import { optionalString } from './optional-string.ts';

/** Separators people and tools put between thumbprint bytes (`AB:CD`, `ab cd`, `ab-cd`). */
const SEPARATORS = /[\s:-]/g;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * A certificate thumbprint as upper-case hex without separators, so sign-in thumbprints match
 * inventory `customKeyIdentifier`s. Values that are not hex are kept as written (trimmed), null when blank.
 */
export function normaliseThumbprint(value: unknown): string | null {
  const s = optionalString(value);
  if (s === null) return null;
  const compact = s.length === 40 || s.length === 64 ? s : s.replace(SEPARATORS, '');
  return HEX.test(compact) ? compact.toUpperCase() : s;
}
