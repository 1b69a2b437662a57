import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { TENANT_PLACEHOLDER } from '../../config/parse-oidc-settings.ts';
import type { OidcIssuerSettings } from '../../config/schema.ts';
import { ApiError } from '../../errors/api-error.ts';

/** Asymmetric algorithms only: `none` and HMAC (whose key would be public in a JWKS) never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Seconds of clock difference forgiven on `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 60;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token whose signature, issuer, audience and lifetime were checked, and its tenant. */
export interface VerifiedToken {
  payload: JWTPayload;
  tenantId: string;
}

/** Verifies JWTs of configured issuers. */
export interface JwtVerifier {
  /**
   * The verified claims; throws `InvalidAuthenticationToken` saying why a token is not accepted,
   * or `ServiceUnavailable` when its issuer's keys cannot be fetched.
   */
  verify(token: string): Promise<VerifiedToken>;
}

/** Tokens remembered as verified at most (the oldest are forgotten first). */
const MAX_REMEMBERED_TOKENS = 50_000;

/** How keys are fetched and verified tokens remembered; tests shorten the waits. */
export interface JwtVerifierOptions {
  /** Seconds a verified token is remembered (within its lifetime); 0 verifies every use. Default 300. */
  verifiedCacheSeconds?: number;
  /** Milliseconds a JWKS fetch may take. */
  jwksTimeoutMs?: number;
  /** Milliseconds after a fetch before an unknown `kid` may trigger another. */
  jwksCooldownMs?: number;
}

interface Issuer {
  settings: OidcIssuerSettings;
  keys: JWTVerifyGetKey;
  /** Matches `iss` for an issuer with a `{tenantid}` placeholder, capturing the tenant. */
  pattern: RegExp | null;
}

/** 401 with Graph's prefix and the reason. */
export function invalid(reason: string): ApiError {
  return new ApiError('InvalidAuthenticationToken', `Access token validation failure. ${reason}`);
}

/** A non-empty string claim. */
export function claimText(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A list claim, or a space-separated one (`scp`). */
export function claimList(payload: JWTPayload, name: string): string[] {
  const v = payload[name];
  if (typeof v === 'string') return v.split(' ').filter((s) => s !== '');
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Says why jose rejected a token, in Graph's words where Graph has them; never quotes the token. */
function rejection(err: unknown): ApiError {
  if (err instanceof errors.JWTExpired)
    return new ApiError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf')
      return new ApiError(
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is not yet valid.',
      );
    if (err.claim === 'aud') return invalid('Invalid audience.');
    if (err.claim === 'iss') return invalid('Invalid issuer.');
    return invalid(`The "${err.claim}" claim is ${err.reason === 'missing' ? 'missing' : 'invalid'}.`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('Invalid signature.');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return invalid('The signing algorithm is not allowed.');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return invalid("The signing key is not one of the issuer's keys.");
  if (
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JWKInvalid
  )
    return invalid('The token is not a well-formed JWT.');
  // Anything else is the issuer's key endpoint failing (timeout, refused, not 200, not a JWKS):
  // not the token's fault, so the client may retry rather than discard it.
  const unavailable = new ApiError(
    'ServiceUnavailable',
    "The signing keys of the token's issuer could not be fetched; try again later.",
  );
  unavailable.cause = err;
  return unavailable;
}

/**
 * Verifies JWTs from the configured issuers against their published keys. The issuer is picked
 * by the token's unverified `iss`, then signature, issuer, audience, algorithm and lifetime are all
 * checked before any claim is believed.
 */
export function createJwtVerifier(
  issuers: readonly OidcIssuerSettings[],
  options: JwtVerifierOptions = {},
): JwtVerifier {
  const exact = new Map<string, Issuer>();
  const templated: Issuer[] = [];
  // Issuers sharing a key set (Entra's v1, v2 and multi-tenant issuers) share one fetch and cache.
  const keySets = new Map<string, JWTVerifyGetKey>();
  for (const settings of issuers) {
    let keys = keySets.get(settings.jwksUrl);
    if (keys === undefined) {
      keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
        timeoutDuration: options.jwksTimeoutMs ?? 5000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
      });
      keySets.set(settings.jwksUrl, keys);
    }
    if (settings.issuer.includes(TENANT_PLACEHOLDER)) {
      const source = settings.issuer.split(TENANT_PLACEHOLDER).map(escapeRegExp).join('([0-9a-fA-F-]{36})');
      templated.push({ settings, keys, pattern: new RegExp(`^${source}$`) });
    } else exact.set(settings.issuer, { settings, keys, pattern: null });
  }

  const issuerOf = (iss: string): { issuer: Issuer; issuerTenant: string | null } | null => {
    const found = exact.get(iss);
    if (found) return { issuer: found, issuerTenant: null };
    for (const issuer of templated) {
      const m = issuer.pattern!.exec(iss);
      // Every placeholder must name the same tenant.
      const tenants = new Set(m?.slice(1).map((t) => t.toLowerCase()));
      if (m && tenants.size === 1 && GUID.test(m[1]!)) return { issuer, issuerTenant: m[1]!.toLowerCase() };
    }
    return null;
  };

  // Workloads reuse a token for up to an hour, and a signature check costs far more than the
  // decision it guards: a verified token is remembered (the full token string is the key, so a
  // changed byte misses) until it expires, and its lifetime is checked again on every use. The
  // price: a signing key withdrawn from the JWKS stays honoured for the tokens it already signed,
  // until they expire or `verifiedCacheSeconds` has passed.
  const verified = new Map<string, { result: VerifiedToken; exp: number; nbf: number; until: number }>();
  const cacheMs = (options.verifiedCacheSeconds ?? 300) * 1000;

  const remembered = (token: string): VerifiedToken | null => {
    const hit = verified.get(token);
    if (!hit) return null;
    const now = Date.now();
    const tolerance = CLOCK_TOLERANCE_SECONDS * 1000;
    if (now >= hit.until || now - tolerance >= hit.exp) {
      verified.delete(token);
      return null;
    }
    if (now + tolerance < hit.nbf) return null;
    return hit.result;
  };

  const remember = (token: string, result: VerifiedToken): void => {
    if (cacheMs <= 0) return;
    if (verified.size >= MAX_REMEMBERED_TOKENS) {
      // Oldest first: a Map iterates in insertion order.
      for (const key of verified.keys()) {
        verified.delete(key);
        if (verified.size < MAX_REMEMBERED_TOKENS * 0.9) break;
      }
    }
    const exp = typeof result.payload.exp === 'number' ? result.payload.exp * 1000 : 0;
    const nbf = typeof result.payload.nbf === 'number' ? result.payload.nbf * 1000 : 0;
    verified.set(token, { result, exp, nbf, until: Date.now() + cacheMs });
  };

  return {
    async verify(token) {
      const known = remembered(token);
      if (known) return known;
      let unverified: JWTPayload;
      try {
        unverified = decodeJwt(token);
      } catch {
        throw invalid('The token is not a well-formed JWT.');
      }
      const iss = typeof unverified.iss === 'string' ? unverified.iss : undefined;
      const match = iss === undefined ? null : issuerOf(iss);
      if (match === null)
        throw invalid("Invalid issuer: the token's issuer is not a configured OIDC issuer.");
      const { settings } = match.issuer;

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, match.issuer.keys, {
          issuer: iss!,
          audience: [...settings.audience],
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp'],
        }));
      } catch (err) {
        throw rejection(err);
      }

      const tid = claimText(payload, 'tid')?.toLowerCase();
      if (tid !== undefined && !GUID.test(tid)) throw invalid('The "tid" claim is not a tenant id.');
      // The tenant named by `tid`, the issuer's setting and the issuer URL must agree where present.
      const named = new Set(
        [tid, settings.tenantId, match.issuerTenant].filter((t): t is string => t != null),
      );
      if (named.size > 1) throw invalid("The token's tenant is not the one its issuer is bound to.");
      const [tenantId] = named;
      if (tenantId === undefined)
        throw invalid('The token names no tenant ("tid") and its issuer is bound to none.');
      const result = { payload, tenantId };
      remember(token, result);
      return result;
    },
  };
}
