/** `guidShape` results: not a GUID, a lower-case GUID, a GUID with upper-case hex digits. */
export const NOT_GUID = 0;
export const LOWER_GUID = 1;
export const MIXED_CASE_GUID = 2;

/**
 * Whether `s` is a GUID in the 8-4-4-4-12 hex form Entra writes (no braces), and whether it needs
 * lower-casing: one scan, so the common already-lower-case GUID costs no allocation.
 */
export function guidShape(s: string): 0 | 1 | 2 {
  if (s.length !== 36) return NOT_GUID;
  let upper = false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return NOT_GUID;
    } else if (c >= 65 && c <= 70) {
      upper = true;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      return NOT_GUID;
    }
  }
  return upper ? MIXED_CASE_GUID : LOWER_GUID;
}

/** A GUID lower-cased (sources mix cases; ids must compare equal), or null when the value is not a GUID. */
export function normaliseGuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.length === 36 ? value : value.trim();
  const shape = guidShape(s);
  return shape === LOWER_GUID ? s : shape === MIXED_CASE_GUID ? s.toLowerCase() : null;
}
