import { isJsonObject } from './field-readers.ts';

/**
 * Applies a Graph PATCH body to a resource's JSON: objects merge key by key at every depth, anything
 * else (arrays, strings, null) replaces. Graph documents partial `conditions` updates such as
 * `{ "conditions": { "signInRiskLevels": [...] } }` that keep the other conditions, so a shallow
 * replace would wipe them. Null is kept, not deleted, so the validator sees the client cleared it.
 */
export function mergePatch(target: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // defineProperty, not assignment: a `__proto__` key from JSON.parse must stay a plain property
    // (which the validator then refuses) instead of replacing the merged object's prototype.
    Object.defineProperty(merged, key, {
      value: isJsonObject(value) ? mergePatch(merged[key], value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return merged;
}
