/** An ISO 3166-1 alpha-2 country code upper-cased, or null when blank or not two letters. */
export function normaliseCountryCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.length === 2 ? value : value.trim();
  if (s.length !== 2) return null;
  const a = s.charCodeAt(0) | 32;
  const b = s.charCodeAt(1) | 32;
  if (a < 97 || a > 122 || b < 97 || b > 122) return null;
  return s.toUpperCase();
}
