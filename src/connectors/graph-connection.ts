import { createHash, createPrivateKey, type KeyObject, randomUUID, X509Certificate } from 'node:crypto';
import { SignJWT } from 'jose';
import { sendWithRetry } from './send-with-retry.ts';

/**
 * How Vigil reaches one tenant's directory: an app registration of that tenant with a client secret
 * or a certificate (and its private key), both PEM. Those loaded from the configuration serialise
 * without their secrets.
 */
export interface GraphConnection {
  /** Lower-case tenant id (GUID). */
  tenantId: string;
  /** The app's application (client) id. */
  clientId: string;
  clientSecret?: string;
  /** The app's certificate, PEM; set with `privateKeyPem`, instead of a secret. */
  certificatePem?: string;
  privateKeyPem?: string;
  /** Where tokens come from, e.g. `https://login.microsoftonline.com` (national clouds have their own). */
  authorityHost: string;
  /** Graph's root, e.g. `https://graph.microsoft.com`; tokens are asked for `{graphBaseUrl}/.default`. */
  graphBaseUrl: string;
}

/** Entra's global authority host. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** The scope of Azure Key Vault's data plane in the global cloud. */
export const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

/** I/O and retry seams shared by the connectors; every field has a default. */
export interface ConnectorOptions {
  fetch?: typeof fetch;
  /** Waits between attempts; tests record the delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request, the first included (default 4). */
  maxAttempts?: number;
  /** Longest wait for a `Retry-After` (default 60 s): a longer one fails the request instead. */
  maxWaitMs?: number;
  /** The clock; tests move it to expire tokens. */
  now?: () => number;
  /** Abandons an attempt after this long (default 30 s). */
  timeoutMs?: number;
  /** The token source to use, so connectors of one connection share cached tokens. */
  tokens?: TokenSource;
}

/** `ConnectorOptions` with every default applied. */
export type ResolvedConnectorOptions = Required<Omit<ConnectorOptions, 'tokens'>>;

/** Applies the defaults of `ConnectorOptions`. */
export function resolveConnectorOptions(options: ConnectorOptions = {}): ResolvedConnectorOptions {
  return {
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    maxAttempts: options.maxAttempts ?? 4,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    now: options.now ?? Date.now,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}

/** The scope of Graph tokens for a connection: its Graph root's `.default`. */
export function graphScope(connection: Pick<GraphConnection, 'graphBaseUrl'>): string {
  return `${connection.graphBaseUrl.replace(/\/+$/, '')}/.default`;
}

/** The v2.0 token endpoint of the connection's tenant. */
export function tokenEndpointOf(connection: Pick<GraphConnection, 'authorityHost' | 'tenantId'>): string {
  return `${connection.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(connection.tenantId)}/oauth2/v2.0/token`;
}

/** A token endpoint's refusal: OAuth's `error` and Entra's AADSTS description and codes. */
export class TokenRequestError extends Error {
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** OAuth `error` (`invalid_client`, `unauthorized_client`, …), or `request_failed` without an answer. */
  readonly error: string;
  /** The first line of Entra's `error_description` (`AADSTS7000215: Invalid client secret provided. …`). */
  readonly description: string;
  /** Entra's `error_codes` (7000215, 700016, …). */
  readonly errorCodes: readonly number[];
  /** Entra's `trace_id` and `correlation_id`, for Microsoft support. */
  readonly traceId: string | null;
  readonly correlationId: string | null;

  constructor(fields: {
    status: number;
    error: string;
    description: string;
    errorCodes: readonly number[];
    traceId: string | null;
    correlationId: string | null;
    clientId: string;
    tenantId: string;
  }) {
    super(
      `token request for app ${fields.clientId} in tenant ${fields.tenantId} failed` +
        ` (${fields.status === 0 ? 'no answer' : `HTTP ${fields.status}`} ${fields.error})` +
        (fields.description ? `: ${fields.description}` : '') +
        (fields.traceId ? ` trace-id ${fields.traceId}` : ''),
    );
    this.name = 'TokenRequestError';
    this.status = fields.status;
    this.error = fields.error;
    this.description = fields.description;
    this.errorCodes = fields.errorCodes;
    this.traceId = fields.traceId;
    this.correlationId = fields.correlationId;
  }
}

/** Access tokens of one connection, one per scope, requested when missing or about to expire. */
export interface TokenSource {
  /** A bearer token for `scope` (e.g. `https://graph.microsoft.com/.default`). */
  token(scope: string): Promise<string>;
  /** Forgets cached tokens, so the next call asks again (after a 401, say). */
  clear(scope?: string): void;
}

// A token is renewed this long before it expires, so none expires in flight.
const RENEW_BEFORE_MS = 5 * 60 * 1000;
// Client assertions are short-lived: Entra accepts them until `exp`, and one is made per request.
const ASSERTION_LIFETIME_SECONDS = 10 * 60;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** What signs client assertions: the private key and the certificate's SHA-256 thumbprint. */
interface AssertionSigner {
  key: KeyObject;
  thumbprintS256: string;
}

function signerOf(connection: GraphConnection): AssertionSigner | null {
  if (connection.certificatePem === undefined || connection.privateKeyPem === undefined) return null;
  const certificate = new X509Certificate(connection.certificatePem);
  return {
    key: createPrivateKey(connection.privateKeyPem),
    thumbprintS256: createHash('sha256').update(certificate.raw).digest('base64url'),
  };
}

/**
 * Signs a client assertion as Entra's certificate credentials document it: PS256 with the
 * certificate's SHA-256 thumbprint as `x5t#S256`, `aud` the token endpoint, `iss` and `sub` the
 * client id, a fresh `jti`, valid from now for ten minutes.
 */
async function clientAssertion(
  signer: AssertionSigner,
  clientId: string,
  tokenEndpoint: string,
  nowMs: number,
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'PS256', typ: 'JWT', 'x5t#S256': signer.thumbprintS256 })
    .setAudience(tokenEndpoint)
    .setIssuer(clientId)
    .setSubject(clientId)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(signer.key);
}

/**
 * Client-credentials tokens for a connection, with its secret or a certificate-signed assertion.
 * Each scope's token is kept until five minutes before it expires; concurrent callers share one
 * request. Refusals throw TokenRequestError.
 */
export function createTokenSource(connection: GraphConnection, options: ConnectorOptions = {}): TokenSource {
  const o = resolveConnectorOptions(options);
  const endpoint = tokenEndpointOf(connection);
  const signer = signerOf(connection);
  if (signer === null && connection.clientSecret === undefined) {
    throw new TypeError(
      `the Graph connection of tenant ${connection.tenantId} has no secret and no certificate`,
    );
  }
  const cache = new Map<string, { token: string; renewAt: number }>();
  const pending = new Map<string, Promise<string>>();

  async function request(scope: string): Promise<string> {
    const form = new URLSearchParams({
      client_id: connection.clientId,
      scope,
      grant_type: 'client_credentials',
    });
    if (signer !== null) {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await clientAssertion(signer, connection.clientId, endpoint, o.now()));
    } else {
      form.set('client_secret', connection.clientSecret!);
    }
    const refuse = (status: number, body: Record<string, unknown> | null, fallback: string) => {
      const codes = Array.isArray(body?.error_codes)
        ? body.error_codes.filter((c): c is number => Number.isInteger(c))
        : [];
      return new TokenRequestError({
        status,
        error: typeof body?.error === 'string' ? body.error : fallback,
        // Entra appends trace, correlation and timestamp lines; they are kept apart.
        description:
          typeof body?.error_description === 'string' ? body.error_description.split(/\r?\n/)[0]! : '',
        errorCodes: codes,
        traceId: typeof body?.trace_id === 'string' ? body.trace_id : null,
        correlationId: typeof body?.correlation_id === 'string' ? body.correlation_id : null,
        clientId: connection.clientId,
        tenantId: connection.tenantId,
      });
    };
    let outcome: Awaited<ReturnType<typeof sendWithRetry>>;
    try {
      outcome = await sendWithRetry(
        () =>
          o.fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
            // The secret goes to the configured endpoint only.
            redirect: 'manual',
            signal: AbortSignal.timeout(o.timeoutMs),
          }),
        { maxAttempts: o.maxAttempts, maxWaitMs: o.maxWaitMs, sleep: o.sleep, now: o.now, idempotent: true },
      );
    } catch (err) {
      throw refuse(0, { error_description: describeFailure(err) }, 'request_failed');
    }
    const { response } = outcome;
    const text = await response.text();
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      body = isRecord(parsed) ? parsed : null;
    } catch {
      body = null;
    }
    if (response.status !== 200 || typeof body?.access_token !== 'string' || body.access_token === '') {
      throw refuse(
        response.status,
        body,
        response.status === 200 ? 'no_access_token' : `http_${response.status}`,
      );
    }
    const expiresIn = Number(body.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) ? expiresIn * 1000 : 0;
    cache.set(scope, { token: body.access_token, renewAt: o.now() + lifetimeMs - RENEW_BEFORE_MS });
    return body.access_token;
  }

  return {
    token(scope) {
      const cached = cache.get(scope);
      if (cached !== undefined && o.now() < cached.renewAt) return Promise.resolve(cached.token);
      const inFlight = pending.get(scope);
      if (inFlight !== undefined) return inFlight;
      const next = request(scope).finally(() => pending.delete(scope));
      pending.set(scope, next);
      return next;
    },
    clear(scope) {
      if (scope === undefined) cache.clear();
      else cache.delete(scope);
    },
  };
}

/** A network failure in words: the system error code, never anything of the request. */
export function describeFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  return err instanceof Error ? err.message : 'unknown error';
}
