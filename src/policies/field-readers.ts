import { FieldError } from './field-error.ts';

// Bounds keep a hostile body from costing much memory or compile time: Entra's own limits are lower.
/** Longest string Vigil accepts in any policy or location field. */
export const MAX_STRING_LENGTH = 1024;
/** Most ids Vigil accepts in one include or exclude list. */
export const MAX_LIST_LENGTH = 1000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in its usual 8-4-4-4-12 hex form, either case. */
export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** The path of `key` under `field`. */
export function fieldPath(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as a JSON object, or a FieldError: `required` for a missing one, `must be an object` otherwise. */
export function readObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) throw new FieldError(field, 'is required.');
  if (!isJsonObject(value)) throw new FieldError(field, 'must be a JSON object.');
  return value;
}

/** Refuses any property of `object` that `known` does not list, naming it and the Graph type. */
export function checkProperties(
  object: Record<string, unknown>,
  field: string,
  known: ReadonlySet<string>,
  typeName: string,
): void {
  for (const key of Object.keys(object)) {
    if (!known.has(key)) throw new FieldError(fieldPath(field, key), `is not a property of ${typeName}.`);
  }
}

/** A string of 1..max characters, or a FieldError. */
export function readString(value: unknown, field: string, max = MAX_STRING_LENGTH): string {
  if (value === undefined || value === null) throw new FieldError(field, 'is required.');
  if (typeof value !== 'string') throw new FieldError(field, 'must be a string.');
  if (value.length > max) throw new FieldError(field, `must be at most ${max} characters long.`);
  return value;
}

/** A display name: required, not blank, at most 256 characters (Graph's limit). */
export function readDisplayName(value: unknown, field: string): string {
  const name = readString(value, field, 256);
  if (name.trim() === '') throw new FieldError(field, 'must not be empty.');
  return name;
}

/** A boolean, or `fallback` when the value is missing or null. */
export function readBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new FieldError(field, 'must be true or false.');
  return value;
}

/** A list of strings (each checked by readString), at most `max` long; missing or null reads as []. */
export function readStringList(value: unknown, field: string, max = MAX_LIST_LENGTH): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FieldError(field, 'must be an array of strings.');
  if (value.length > max) throw new FieldError(field, `must have at most ${max} entries.`);
  return value.map((item, i) => readString(item, `${field}[${i}]`));
}

/** Accepts only a missing value, null or an empty list: the neutral form of a condition Vigil ignores. */
export function requireEmpty(value: unknown, field: string, why: string): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  throw new FieldError(field, `is not supported: ${why}`);
}
