/** Whether `s` is a GUID in the 8-4-4-4-12 hex form Entra writes (no braces). */
export function isGuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

/** A GUID lower-cased (sources mix cases; ids must compare equal), or null when the value is not a GUID. */
export function normaliseGuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.length === 36 ? value : value.trim();
  return isGuid(s) ? s.toLowerCase() : null;
}
