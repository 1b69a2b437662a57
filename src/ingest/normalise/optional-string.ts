/**
 * A trimmed string, or null when the value is absent, not a string, or blank. Sources write
 * "no value" as null, an empty string or white space interchangeably; the store wants one form.
 */
export function optionalString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const length = value.length;
  if (length === 0) return null;
  // Most values are already trimmed; only pay for trim() when an edge is white space.
  if (value.charCodeAt(0) > 32 && value.charCodeAt(length - 1) > 32) return value;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}
