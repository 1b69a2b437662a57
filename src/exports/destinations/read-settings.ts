import type { SettingError } from '../destination.ts';

// Plain http is accepted only to this machine: anything else would carry tokens and records in clear.
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** A problem met while reading settings; `field` is the full path (`destinations[3].url`). */
export class SettingProblem extends Error {
  /** Full path of the field at fault. */
  readonly field: string;
  /** What is wrong, without the path. */
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

/** Options of a string field. */
export interface StringFieldOptions {
  minLength?: number;
  maxLength?: number;
  /** The value must match; `hint` says what is expected. */
  pattern?: RegExp;
  hint?: string;
}

/** Reads typed fields out of one settings object; every method throws a `SettingProblem` naming its path. */
export interface SettingsReader {
  /** Full path of a field of this object. */
  path(name: string): string;
  /** True when the field is present (not undefined or null). */
  has(name: string): boolean;
  /** A required string. */
  string(name: string, options?: StringFieldOptions): string;
  /** An optional string; undefined when absent. */
  optionalString(name: string, options?: StringFieldOptions): string | undefined;
  /** A required URL: https, or plain http only to localhost; no credentials or fragment. */
  url(name: string): URL;
  /** An optional URL with the same rules; undefined when absent. */
  optionalUrl(name: string): URL | undefined;
  /** A whole number within bounds, or `fallback` when absent. */
  integer(name: string, min: number, max: number, fallback: number): number;
  /** A boolean, or `fallback` when absent. */
  boolean(name: string, fallback: boolean): boolean;
  /** A nested object whose properties are restricted to `known`; undefined when absent. */
  object(name: string, known: readonly string[]): SettingsReader | undefined;
  /** A nested object of free-form keys (headers, maps); undefined when absent. */
  record(name: string): Record<string, unknown> | undefined;
  /** Throws a problem for `name` (a field of this object). */
  fail(name: string, message: string): never;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Checks the keys of `raw` against `known`, then wraps it in a reader for the object at `field`. */
export function createSettingsReader(
  raw: Record<string, unknown>,
  field: string,
  known: readonly string[],
): SettingsReader {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new SettingProblem(`${field}.${key}`, `unknown property (known: ${known.join(', ')})`);
    }
  }
  const path = (name: string) => `${field}.${name}`;
  const fail = (name: string, message: string): never => {
    throw new SettingProblem(path(name), message);
  };
  const has = (name: string) => raw[name] !== undefined && raw[name] !== null;

  const readString = (name: string, o: StringFieldOptions): string => {
    const value = raw[name];
    if (typeof value !== 'string') return fail(name, `must be a string, not ${describe(value)}`);
    if (value.length < (o.minLength ?? 1)) {
      return fail(name, o.minLength ? `must be at least ${o.minLength} characters` : 'must not be empty');
    }
    if (o.maxLength !== undefined && value.length > o.maxLength) {
      return fail(name, `must be at most ${o.maxLength} characters`);
    }
    if (o.pattern && !o.pattern.test(value)) return fail(name, `must be ${o.hint ?? `like ${o.pattern}`}`);
    return value;
  };

  const readUrl = (name: string): URL => {
    const text = readString(name, { maxLength: 2048 }).trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail(name, 'must be an absolute https URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(name, 'must be an https URL');
    if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
      return fail(name, 'must be https (plain http only to localhost)');
    }
    if (url.username !== '' || url.password !== '') {
      return fail(name, 'must not carry credentials (they would show in labels and logs)');
    }
    if (url.hash !== '') return fail(name, 'must not have a fragment');
    return url;
  };

  const reader: SettingsReader = {
    path,
    has,
    fail,
    string: (name, options = {}) => {
      if (!has(name)) return fail(name, 'is required');
      return readString(name, options);
    },
    optionalString: (name, options = {}) => (has(name) ? readString(name, options) : undefined),
    url: (name) => (has(name) ? readUrl(name) : fail(name, 'is required')),
    optionalUrl: (name) => (has(name) ? readUrl(name) : undefined),
    integer: (name, min, max, fallback) => {
      if (!has(name)) return fallback;
      const value = raw[name];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return fail(name, `must be a whole number from ${min} to ${max}`);
      }
      return value;
    },
    boolean: (name, fallback) => {
      if (!has(name)) return fallback;
      const value = raw[name];
      if (typeof value !== 'boolean') return fail(name, `must be true or false, not ${describe(value)}`);
      return value;
    },
    object: (name, keys) => {
      if (!has(name)) return undefined;
      const value = raw[name];
      if (!isRecord(value)) return fail(name, `must be an object, not ${describe(value)}`);
      return createSettingsReader(value, path(name), keys);
    },
    record: (name) => {
      if (!has(name)) return undefined;
      const value = raw[name];
      if (!isRecord(value)) return fail(name, `must be an object, not ${describe(value)}`);
      return value;
    },
  };
  return reader;
}

/**
 * Runs a plugin's reading of one destination's settings, turning the first problem into the
 * plugin contract's `{ error }` (one message naming its field, as the settings API shows it).
 */
export function readSettings<S>(
  raw: Record<string, unknown>,
  field: string,
  known: readonly string[],
  read: (reader: SettingsReader) => S,
): { settings: S } | { error: SettingError } {
  try {
    return { settings: read(createSettingsReader(raw, field, known)) };
  } catch (error) {
    if (error instanceof SettingProblem) {
      return { error: { field: error.field, message: error.problem } };
    }
    throw error;
  }
}

/** A URL as labels and redacted settings show it: query values masked, since they may hold keys. */
export function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  for (const key of new Set(shown.searchParams.keys())) shown.searchParams.set(key, '***');
  // URLSearchParams percent-encodes the mask; show it as the settings API's placeholder.
  return shown.href.replaceAll('%2A%2A%2A', '***');
}
