/** Returned by `readJsonColumn` when a column holds text that is not valid JSON. */
export const INVALID_JSON: unique symbol = Symbol('invalid JSON');

/**
 * The value of a Log Analytics dynamic column. Exports write these (`LocationDetails`,
 * `TargetResources`, `InitiatedBy`, …) as JSON text or as already-nested values depending on the
 * tool; both are accepted. Blank text counts as absent (undefined); text that is not a JSON object,
 * array or `null` yields `INVALID_JSON`.
 */
export function readJsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const s = value.trim();
  if (s.length === 0) return undefined;
  const first = s.charCodeAt(0);
  if (first !== 123 && first !== 91) return s === 'null' ? null : INVALID_JSON;
  // One parse per nested column, only for text columns: the caller would have to parse it anyway.
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return INVALID_JSON;
  }
}
