import { present, textFields } from './field-readers.ts';
import type { Parsed } from './parse-threat-intel-settings.ts';
import type { ConsoleOidcSettings } from './schema.ts';

const FIELDS = ['issuer', 'clientId', 'authorizationEndpoint', 'tokenEndpoint', 'scopes'] as const;
type Field = (typeof FIELDS)[number];

/** The environment variables of the console's OIDC sign-in, by field. */
export const CONSOLE_OIDC_ENV: Readonly<Record<Field, string>> = {
  issuer: 'VIGIL_CONSOLE_OIDC_ISSUER',
  clientId: 'VIGIL_CONSOLE_OIDC_CLIENT_ID',
  authorizationEndpoint: 'VIGIL_CONSOLE_OIDC_AUTHORIZATION_ENDPOINT',
  tokenEndpoint: 'VIGIL_CONSOLE_OIDC_TOKEN_ENDPOINT',
  scopes: 'VIGIL_CONSOLE_OIDC_SCOPES',
};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** An https URL (http only to this machine): the browser sends codes and verifiers there. */
function checkUrl(value: string, label: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${label}: must be an absolute https URL`);
    return;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))
    problems.push(`${label}: must be https (plain http only to localhost)`);
  else if (url.username !== '' || url.password !== '' || url.hash !== '')
    problems.push(`${label}: must carry no credentials and no fragment`);
}

function parseFields(
  raw: Record<string, unknown>,
  label: (field: Field) => string,
  problems: string[],
): ConsoleOidcSettings | null {
  const before = problems.length;
  const read = textFields<Field>(raw, label, problems);
  const clientId = read('clientId', true);
  const authorizationEndpoint = read('authorizationEndpoint', true);
  const tokenEndpoint = read('tokenEndpoint', true);
  if (authorizationEndpoint) checkUrl(authorizationEndpoint, label('authorizationEndpoint'), problems);
  if (tokenEndpoint) checkUrl(tokenEndpoint, label('tokenEndpoint'), problems);
  const issuer = read('issuer', false);
  let scopes = ['openid'];
  if (present(raw.scopes)) {
    const list = Array.isArray(raw.scopes)
      ? raw.scopes
      : typeof raw.scopes === 'string'
        ? raw.scopes.split(/[\s,]+/)
        : null;
    if (list === null || list.some((s) => typeof s !== 'string'))
      problems.push(
        `${label('scopes')}: must be a list of scopes (space- or comma-separated in the environment)`,
      );
    else scopes = list.map((s) => String(s).trim()).filter(Boolean);
  }
  if (problems.length > before || !clientId || !authorizationEndpoint || !tokenEndpoint) return null;
  return Object.freeze({
    // The provider's name on the sign-in button; its authorization server when not given.
    issuer: issuer ?? new URL(authorizationEndpoint).origin,
    clientId,
    authorizationEndpoint,
    tokenEndpoint,
    scopes: Object.freeze(scopes),
  });
}

/**
 * Reads `consoleOidc` from the config file: `{ clientId, authorizationEndpoint, tokenEndpoint,
 * scopes?, issuer? }`, or null for API-key sign-in only. Reports every problem at once.
 */
export function parseConsoleOidc(raw: unknown): Parsed<ConsoleOidcSettings | null> {
  if (raw === null) return { value: null };
  if (!isRecord(raw))
    return { error: ['must be an object like { "clientId": …, "authorizationEndpoint": … }'] };
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(key)) problems.push(`unknown setting "${key}"`);
  }
  const value = parseFields(raw, (f) => f, problems);
  return problems.length > 0 || value === null ? { error: problems } : { value };
}

/** Reads the console's OIDC sign-in from `VIGIL_CONSOLE_OIDC_*`; undefined when none is set. */
export function consoleOidcFromEnv(env: NodeJS.ProcessEnv): Parsed<ConsoleOidcSettings | null> | undefined {
  const raw: Record<string, unknown> = {};
  let any = false;
  for (const field of FIELDS) {
    const v = env[CONSOLE_OIDC_ENV[field]];
    if (v !== undefined && v !== '') {
      raw[field] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  const problems: string[] = [];
  const value = parseFields(raw, (f) => CONSOLE_OIDC_ENV[f], problems);
  return value === null ? { error: problems } : { value };
}
