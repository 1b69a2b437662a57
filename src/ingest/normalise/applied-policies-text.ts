/**
 * `appliedConditionalAccessPolicies` as JSON text for the store, or null when the source reported
 * none (absent, null or an empty array). Already-text values (Log Analytics) are parsed by the
 * caller first so that `[]` and malformed text are told apart.
 */
export function appliedPoliciesText(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return JSON.stringify(value);
}
