import { present, textFields } from './field-readers.ts';
import type { Parsed } from './parse-threat-intel-settings.ts';
import type { OidcIssuerSettings } from './schema.ts';

const ISSUER_FIELDS = ['issuer', 'audience', 'jwksUrl', 'tenantId'] as const;
type IssuerField = (typeof ISSUER_FIELDS)[number];

/** The environment variables of the single issuer configured through the environment, by field. */
export const OIDC_ENV: Readonly<Record<IssuerField, string>> = {
  issuer: 'VIGIL_OIDC_ISSUER',
  audience: 'VIGIL_OIDC_AUDIENCE',
  jwksUrl: 'VIGIL_OIDC_JWKS_URL',
  tenantId: 'VIGIL_OIDC_TENANT_ID',
};

/** Stands for any tenant id in an issuer, as Entra's multi-tenant metadata writes it. */
export const TENANT_PLACEHOLDER = '{tenantid}';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** Reads one issuer, pushing every problem with its field named through `label`. */
function parseIssuer(
  raw: Record<string, unknown>,
  label: (field: IssuerField) => string,
  problems: string[],
): OidcIssuerSettings | null {
  const before = problems.length;
  const text = textFields(raw, label, problems);

  // Compared with `iss` exactly, so it is kept as written (Entra's v1 issuers end in a slash).
  const issuer = text('issuer', true);
  if (issuer !== null) {
    const url = parseUrl(issuer.replaceAll(TENANT_PLACEHOLDER, '00000000-0000-0000-0000-000000000000'));
    if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      problems.push(
        `${label('issuer')}: must be the issuer's http(s) URL, exactly as its tokens' "iss" claim`,
      );
  }

  let audience: string[] | null = null;
  const rawAudience = raw.audience;
  if (!present(rawAudience)) problems.push(`${label('audience')}: is required`);
  else if (typeof rawAudience === 'string') {
    // The environment gives a list comma-separated: v1 and v2 tokens of one app differ in `aud`.
    audience = rawAudience
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (audience.length === 0) problems.push(`${label('audience')}: must name at least one audience`);
  } else if (
    Array.isArray(rawAudience) &&
    rawAudience.length > 0 &&
    rawAudience.every((a) => typeof a === 'string' && a.trim() !== '')
  ) {
    audience = rawAudience.map((a: string) => a.trim());
  } else {
    problems.push(`${label('audience')}: must be a non-empty string or a non-empty list of them`);
  }

  const jwksUrl = text('jwksUrl', true);
  if (jwksUrl !== null) {
    const url = parseUrl(jwksUrl);
    if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      problems.push(`${label('jwksUrl')}: must be an absolute http(s) URL`);
    } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
      // Whoever can alter the keys in transit can mint tokens Vigil accepts.
      problems.push(`${label('jwksUrl')}: must be https (plain http only to localhost)`);
    } else if (url.username !== '' || url.password !== '' || url.hash !== '') {
      problems.push(`${label('jwksUrl')}: must not carry credentials or a fragment`);
    }
  }

  const tenantText = text('tenantId', false);
  if (tenantText !== null && !GUID.test(tenantText))
    problems.push(`${label('tenantId')}: must be a tenant id (GUID)`);

  if (problems.length > before) return null;
  return Object.freeze({
    issuer: issuer!,
    audience: Object.freeze(audience!),
    jwksUrl: jwksUrl!,
    tenantId: tenantText === null ? null : tenantText.toLowerCase(),
  });
}

/**
 * Reads `oidcIssuers` from the config file: `[ { "issuer", "audience", "jwksUrl", "tenantId"? } ]`.
 * Reports every problem at once, each with the index and field it concerns.
 */
export function parseOidcIssuers(raw: unknown): Parsed<readonly OidcIssuerSettings[]> {
  if (!Array.isArray(raw))
    return { error: ['must be an array of issuers like [ { "issuer", "audience", "jwksUrl" } ]'] };
  const problems: string[] = [];
  const issuers: OidcIssuerSettings[] = [];
  const firstIndexOfIssuer = new Map<string, number>();
  raw.forEach((entry, i) => {
    if (!isRecord(entry)) {
      problems.push(`[${i}]: must be an object`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(ISSUER_FIELDS as readonly string[]).includes(key))
        problems.push(`[${i}]: unknown setting "${key}"`);
    }
    const issuer = parseIssuer(entry, (field) => `[${i}].${field}`, problems);
    if (issuer === null) return;
    const other = firstIndexOfIssuer.get(issuer.issuer);
    if (other !== undefined) {
      problems.push(`[${i}].issuer: "${issuer.issuer}" is also the issuer of [${other}]`);
      return;
    }
    firstIndexOfIssuer.set(issuer.issuer, i);
    issuers.push(issuer);
  });
  if (problems.length > 0) return { error: problems };
  return { value: Object.freeze(issuers) };
}

/** The variables of the issuer whose workload tokens `/authz/nginx` verifies. */
export const WORKLOAD_ISSUER_ENV: Readonly<Record<IssuerField, string>> = {
  issuer: 'VIGIL_AUTHZ_ISSUER',
  audience: 'VIGIL_AUTHZ_AUDIENCE',
  jwksUrl: 'VIGIL_AUTHZ_JWKS_URL',
  tenantId: 'VIGIL_AUTHZ_TENANT_ID',
};

/**
 * Reads the single issuer the environment configures (`VIGIL_OIDC_ISSUER`, `VIGIL_OIDC_AUDIENCE`
 * (comma-separated for several), `VIGIL_OIDC_JWKS_URL`, `VIGIL_OIDC_TENANT_ID`); undefined when none
 * of them is set. Like every setting from the environment, it replaces the file's list.
 */
export function oidcIssuersFromEnv(
  env: NodeJS.ProcessEnv,
): Parsed<readonly OidcIssuerSettings[]> | undefined {
  return issuersFromEnv(env, OIDC_ENV);
}

/** The workload token issuer of the environment (`VIGIL_AUTHZ_*`), read as `oidcIssuersFromEnv` reads its own. */
export function workloadIssuersFromEnv(
  env: NodeJS.ProcessEnv,
): Parsed<readonly OidcIssuerSettings[]> | undefined {
  return issuersFromEnv(env, WORKLOAD_ISSUER_ENV);
}

function issuersFromEnv(
  env: NodeJS.ProcessEnv,
  names: Readonly<Record<IssuerField, string>>,
): Parsed<readonly OidcIssuerSettings[]> | undefined {
  const raw: Record<string, unknown> = {};
  let any = false;
  for (const field of ISSUER_FIELDS) {
    const v = env[names[field]];
    if (v !== undefined && v !== '') {
      raw[field] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  const problems: string[] = [];
  const issuer = parseIssuer(raw, (field) => names[field], problems);
  if (issuer === null) return { error: problems };
  return { value: Object.freeze([issuer]) };
}
