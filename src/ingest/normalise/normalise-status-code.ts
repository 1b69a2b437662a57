/**
 * A sign-in status code as a number: Graph `status.errorCode` is a number, exports and Log Analytics
 * write `resultType` as a string (`"0"`, `"7000222"`). Null when the value is neither an integer
 * nor a string of one; 0 means success.
 */
export function normaliseStatusCode(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const s =
    value.length > 0 && value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32
      ? value
      : value.trim();
  const length = s.length;
  // Entra error codes have at most 7 digits; 10 leaves room and keeps the result a safe integer.
  if (length === 0 || length > 11) return null;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === length) return null;
  let n = 0;
  for (; i < length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return s.charCodeAt(0) === 45 ? -n : n;
}
