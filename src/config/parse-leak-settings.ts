import { present } from './field-readers.ts';
import type { Parsed } from './parse-threat-intel-settings.ts';
import type { LeakSettings, LeakVerifySettings } from './schema.ts';

const VERIFY_FIELDS = ['tokenEndpoint', 'scope', 'timeoutSeconds'] as const;
type VerifyField = (typeof VERIFY_FIELDS)[number];

/** The environment variables of the live check, by field. */
export const LEAK_VERIFY_ENV: Readonly<Record<VerifyField, string>> = {
  tokenEndpoint: 'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT',
  scope: 'VIGIL_LEAK_VERIFY_SCOPE',
  timeoutSeconds: 'VIGIL_LEAK_VERIFY_TIMEOUT_SECONDS',
};

/** Microsoft Graph: every tenant's app may ask for it, and asking grants nothing by itself. */
export const DEFAULT_LEAK_VERIFY_SCOPE = 'https://graph.microsoft.com/.default';
const DEFAULT_TIMEOUT_SECONDS = 10;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const PLACEHOLDER = /\{([^{}]*)\}/g;
// Stands in for `{tenantId}` while the URL is checked.
const SAMPLE_TENANT = '00000000-0000-0000-0000-000000000000';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Reads the live check's fields; every problem is pushed, each naming its field through `label`.
 * The token endpoint must be an https URL (plain http only to this machine), without credentials or
 * a fragment, whose only placeholder is `{tenantId}`.
 */
function parseVerify(
  raw: Record<string, unknown>,
  label: (field: VerifyField) => string,
  problems: string[],
): LeakVerifySettings | null {
  const before = problems.length;
  let tokenEndpoint: string | null = null;
  if (!present(raw.tokenEndpoint)) {
    problems.push(`${label('tokenEndpoint')}: is required`);
  } else if (typeof raw.tokenEndpoint !== 'string' || raw.tokenEndpoint.trim() === '') {
    problems.push(`${label('tokenEndpoint')}: must be a non-empty string`);
  } else {
    tokenEndpoint = raw.tokenEndpoint.trim();
    checkEndpoint(tokenEndpoint, label('tokenEndpoint'), problems);
  }
  let scope = DEFAULT_LEAK_VERIFY_SCOPE;
  if (present(raw.scope)) {
    if (typeof raw.scope !== 'string' || raw.scope.trim() === '') {
      problems.push(`${label('scope')}: must be a non-empty string`);
    } else if (/\s/.test(raw.scope.trim())) {
      problems.push(`${label('scope')}: must be one scope, such as ${DEFAULT_LEAK_VERIFY_SCOPE}`);
    } else scope = raw.scope.trim();
  }
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (present(raw.timeoutSeconds)) {
    const t = raw.timeoutSeconds;
    const n = typeof t === 'number' ? t : typeof t === 'string' && t.trim() !== '' ? Number(t) : Number.NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 120) timeoutSeconds = n;
    else problems.push(`${label('timeoutSeconds')}: must be a whole number from 1 to 120`);
  }
  if (problems.length > before || tokenEndpoint === null) return null;
  return Object.freeze({ tokenEndpoint, scope, timeoutSeconds });
}

function checkEndpoint(endpoint: string, label: string, problems: string[]): void {
  const unknown = [...endpoint.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => p !== '{tenantId}');
  if (unknown.length > 0) {
    problems.push(`${label}: unknown placeholder ${unknown.join(', ')} (only {tenantId} is substituted)`);
    return;
  }
  let url: URL;
  try {
    url = new URL(endpoint.replaceAll('{tenantId}', SAMPLE_TENANT));
  } catch {
    problems.push(`${label}: must be an absolute https URL of a token endpoint`);
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`${label}: must be an https URL`);
  } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    problems.push(`${label}: must be https (plain http only to localhost): leaked secrets are sent there`);
  } else if (url.username !== '' || url.password !== '') {
    problems.push(`${label}: must not carry credentials`);
  } else if (url.hash !== '') {
    problems.push(`${label}: must not have a fragment`);
  }
}

/**
 * Reads `leaks` from the config file: `{ "verify": { "tokenEndpoint", "scope", "timeoutSeconds" } }`,
 * `verify` absent or null leaving live checks off. Reports every problem at once.
 */
export function parseLeakSettings(raw: unknown): Parsed<LeakSettings> {
  if (!isRecord(raw)) return { error: ['must be an object like { "verify": { "tokenEndpoint": … } }'] };
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (key !== 'verify') problems.push(`unknown setting "${key}"`);
  let verify: LeakVerifySettings | null = null;
  if (raw.verify !== undefined && raw.verify !== null) {
    if (!isRecord(raw.verify)) {
      problems.push('verify: must be an object like { "tokenEndpoint": … }');
    } else {
      for (const key of Object.keys(raw.verify)) {
        if (!(VERIFY_FIELDS as readonly string[]).includes(key))
          problems.push(`verify: unknown setting "${key}"`);
      }
      verify = parseVerify(raw.verify, (field) => `verify.${field}`, problems);
    }
  }
  if (problems.length > 0) return { error: problems };
  return { value: Object.freeze({ verify }) };
}

/**
 * Reads the live check from `VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT` (with `VIGIL_LEAK_VERIFY_SCOPE` and
 * `VIGIL_LEAK_VERIFY_TIMEOUT_SECONDS`); undefined when none of them is set. Like every setting from
 * the environment, it replaces the file's.
 */
export function leakSettingsFromEnv(env: NodeJS.ProcessEnv): Parsed<LeakSettings> | undefined {
  const raw: Record<string, unknown> = {};
  let any = false;
  for (const field of VERIFY_FIELDS) {
    const v = env[LEAK_VERIFY_ENV[field]];
    if (v !== undefined && v !== '') {
      raw[field] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  const problems: string[] = [];
  const verify = parseVerify(raw, (field) => LEAK_VERIFY_ENV[field], problems);
  if (verify === null) return { error: problems };
  return { value: Object.freeze({ verify }) };
}
