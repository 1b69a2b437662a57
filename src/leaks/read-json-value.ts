/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** The value as an object (not an array, not null), or null. */
export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** The value as trimmed text, or null when it is not a string or is blank (scanners write `""` for "none"). */
export function asText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  return s === '' ? null : s;
}

/** The value as a 1-based line number, or null (scanners write 0 when they do not know the line). */
export function asLine(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/**
 * The first of several keys present (not null), compared without regard to case, because detectors
 * and sources of one scanner spell the same field `tenant`, `Tenant` or `tenant_id`. Names are lower-case.
 */
export function pickValue(object: JsonObject | null, names: readonly string[]): unknown {
  if (object === null) return null;
  for (const name of names) {
    for (const key of Object.keys(object)) {
      if (key.toLowerCase() === name && object[key] !== null && object[key] !== undefined) return object[key];
    }
  }
  return null;
}

/** The first of several keys present as non-blank text, compared without regard to case (see `pickValue`). */
export function pickText(object: JsonObject | null, names: readonly string[]): string | null {
  if (object === null) return null;
  for (const name of names) {
    const text = asText(pickValue(object, [name]));
    if (text !== null) return text;
  }
  return null;
}
