import { present, textFields } from './field-readers.ts';
import type { TaxiiFeedSettings, ThreatIntelSettings } from './schema.ts';

/** A parsed setting, or every problem with it. */
export type Parsed<T> = { value: T } | { error: readonly string[] };

const FEED_FIELDS = [
  'name',
  'url',
  'collectionId',
  'username',
  'password',
  'token',
  'intervalMinutes',
  'defaultConfidence',
  'validityDays',
] as const;
type FeedField = (typeof FEED_FIELDS)[number];

/** The environment variables of the single feed configured through the environment, by field. */
export const TAXII_ENV: Readonly<Record<FeedField, string>> = {
  name: 'VIGIL_TAXII_NAME',
  url: 'VIGIL_TAXII_URL',
  collectionId: 'VIGIL_TAXII_COLLECTION',
  username: 'VIGIL_TAXII_USERNAME',
  password: 'VIGIL_TAXII_PASSWORD',
  token: 'VIGIL_TAXII_TOKEN',
  intervalMinutes: 'VIGIL_TAXII_INTERVAL_MINUTES',
  defaultConfidence: 'VIGIL_TAXII_CONFIDENCE',
  validityDays: 'VIGIL_TAXII_VALIDITY_DAYS',
};

/** The name of the feed configured through the environment when VIGIL_TAXII_NAME is not set. */
export const DEFAULT_TAXII_FEED_NAME = 'taxii';
const DEFAULT_INTERVAL_MINUTES = 60;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function integerIn(raw: unknown, min: number, max: number): number | null {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

// Secrets stay out of logs and JSON dumps of the configuration, whoever writes them.
function redactingToJson(this: TaxiiFeedSettings) {
  return {
    ...this,
    password: this.password === null ? null : '[redacted]',
    token: this.token === null ? null : '[redacted]',
  };
}

/**
 * Reads one feed. Every problem is pushed, each naming its field through `label` (a path in the
 * config file, or an environment variable); values are never quoted, since some are secrets.
 */
function parseFeed(
  raw: Record<string, unknown>,
  label: (field: FeedField) => string,
  problems: string[],
): TaxiiFeedSettings | null {
  const before = problems.length;
  const text = textFields(raw, label, problems);
  const integer = (field: FeedField, min: number, max: number): number | null => {
    if (!present(raw[field])) return null;
    const n = integerIn(raw[field], min, max);
    if (n === null) problems.push(`${label(field)}: must be a whole number from ${min} to ${max}`);
    return n;
  };

  const name = text('name', true);
  if (name !== null && !NAME.test(name)) {
    problems.push(
      `${label('name')}: must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  const collectionId = text('collectionId', true);
  const username = text('username', false);
  // Passwords and tokens are taken as given: surrounding spaces could be part of them.
  const password =
    present(raw.password) && typeof raw.password === 'string' ? raw.password : text('password', false);
  const token = present(raw.token) && typeof raw.token === 'string' ? raw.token : text('token', false);
  if (token !== null && (username !== null || password !== null)) {
    problems.push(`${label('token')}: give a token or a username and password, not both`);
  } else if (username !== null && password === null) {
    problems.push(`${label('password')}: is required with ${label('username')}`);
  } else if (password !== null && username === null) {
    problems.push(`${label('username')}: is required with ${label('password')}`);
  }
  const url = text('url', true);
  if (url !== null) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`${label('url')}: must be an absolute http(s) URL of the TAXII API root`);
    }
    if (parsed !== null) {
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        problems.push(`${label('url')}: must be an http(s) URL`);
      } else if (parsed.username !== '' || parsed.password !== '') {
        problems.push(`${label('url')}: must not carry credentials; set username and password, or a token`);
      } else if (parsed.search !== '' || parsed.hash !== '') {
        problems.push(`${label('url')}: must be the API root, without a query or fragment`);
      } else if (
        parsed.protocol === 'http:' &&
        (token !== null || username !== null || password !== null) &&
        !LOOPBACK.test(parsed.hostname)
      ) {
        problems.push(
          `${label('url')}: must be https when credentials are set (plain http only to localhost)`,
        );
      }
    }
  }
  const intervalMinutes = integer('intervalMinutes', 1, 10_080) ?? DEFAULT_INTERVAL_MINUTES;
  const defaultConfidence = integer('defaultConfidence', 0, 100);
  const validityDays = integer('validityDays', 1, 3650);
  if (problems.length > before) return null;
  const feed: TaxiiFeedSettings = {
    name: name!,
    url: url!,
    collectionId: collectionId!,
    username,
    password,
    token,
    intervalMinutes,
    defaultConfidence,
    validityDays,
  };
  Object.defineProperty(feed, 'toJSON', { value: redactingToJson, enumerable: false });
  return Object.freeze(feed);
}

/**
 * Reads `threatIntel` from the config file: `{ "taxii": [ { "name", "url", "collectionId", … } ] }`.
 * Reports every problem at once, each with the path of the value it concerns.
 */
export function parseThreatIntelSettings(raw: unknown): Parsed<ThreatIntelSettings> {
  if (!isRecord(raw)) return { error: ['must be an object like { "taxii": [ … ] }'] };
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (key !== 'taxii') problems.push(`unknown setting "${key}"`);
  const list = raw.taxii ?? [];
  if (!Array.isArray(list)) return { error: [...problems, 'taxii: must be an array of collections'] };
  const feeds: TaxiiFeedSettings[] = [];
  const firstIndexOfName = new Map<string, number>();
  list.forEach((entry, i) => {
    if (!isRecord(entry)) {
      problems.push(`taxii[${i}]: must be an object`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(FEED_FIELDS as readonly string[]).includes(key))
        problems.push(`taxii[${i}]: unknown setting "${key}"`);
    }
    const feed = parseFeed(entry, (field) => `taxii[${i}].${field}`, problems);
    if (feed === null) return;
    const other = firstIndexOfName.get(feed.name);
    if (other !== undefined) {
      problems.push(`taxii[${i}].name: "${feed.name}" is also the name of taxii[${other}]`);
      return;
    }
    firstIndexOfName.set(feed.name, i);
    feeds.push(feed);
  });
  if (problems.length > 0) return { error: problems };
  return { value: Object.freeze({ taxii: Object.freeze(feeds) }) };
}

/**
 * Reads the single feed the environment configures (`VIGIL_TAXII_URL`, `VIGIL_TAXII_COLLECTION`,
 * `VIGIL_TAXII_TOKEN` or `VIGIL_TAXII_USERNAME` and `VIGIL_TAXII_PASSWORD`, …); undefined when no
 * such variable is set. Like every setting from the environment, it replaces the file's list.
 */
export function threatIntelFromEnv(env: NodeJS.ProcessEnv): Parsed<ThreatIntelSettings> | undefined {
  const raw: Record<string, unknown> = {};
  let any = false;
  for (const field of FEED_FIELDS) {
    const v = env[TAXII_ENV[field]];
    if (v !== undefined && v !== '') {
      raw[field] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  raw.name ??= DEFAULT_TAXII_FEED_NAME;
  const problems: string[] = [];
  const feed = parseFeed(raw, (field) => TAXII_ENV[field], problems);
  if (feed === null) return { error: problems };
  return { value: Object.freeze({ taxii: Object.freeze([feed]) }) };
}
