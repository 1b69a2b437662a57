/**
 * What a token endpoint said about a client secret: `valid` (it issued a token), `invalid` (no
 * secret of the app is this one), `expired` (it is a secret of the app, past its end date),
 * `unknownApp` (the endpoint knows no such app or tenant), `unavailable` (no usable answer: rate
 * limited, server error, timeout, network error, or an answer that proves nothing either way).
 */
export type LiveSecretVerdict = 'valid' | 'invalid' | 'expired' | 'unknownApp' | 'unavailable';

/** A verdict and, in words fit for a detection, what the endpoint answered. Never holds the secret or a token. */
export interface LiveSecretCheck {
  verdict: LiveSecretVerdict;
  detail: string;
}

/** The client credentials to try, for one app of one tenant. */
export interface LiveSecretRequest {
  tenantId: string;
  appId: string;
  secret: string;
}

/** The part of `fetch` a live check uses, so tests and callers can give their own. */
export type FetchFunction = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    redirect: 'manual';
    signal: AbortSignal;
  },
) => Promise<Response>;

/** Where and how to ask. */
export interface VerifySecretLiveOptions {
  /** Token endpoint, with `{tenantId}` standing for the tenant of the request. */
  tokenEndpoint: string;
  scope: string;
  timeoutMs: number;
  fetch: FetchFunction;
  /** Largest answer read, in bytes; a longer one is `unavailable`. */
  maxResponseBytes?: number;
}

// A token answer is a few kilobytes; an error answer under one.
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** Entra's AADSTS error codes a live check understands. */
const INVALID_SECRET = 7000215;
const EXPIRED_SECRET = 7000222;
const APP_NOT_FOUND = 700016;
const TENANT_NOT_FOUND = 90002;

/** The token endpoint of a tenant: `{tenantId}` replaced, URL-encoded. */
export function tokenEndpointFor(template: string, tenantId: string): string {
  return template.replaceAll('{tenantId}', encodeURIComponent(tenantId));
}

/**
 * Tries a client secret with a client-credentials token request and reads the answer. The token,
 * when one is issued, is neither kept nor returned. Redirects are not followed (the secret goes to
 * the configured endpoint only), the answer is read up to a bound, and the whole exchange is
 * abandoned after `timeoutMs`. Never throws: every failure is `unavailable`.
 */
export async function verifySecretLive(
  request: LiveSecretRequest,
  options: VerifySecretLiveOptions,
): Promise<LiveSecretCheck> {
  const url = tokenEndpointFor(options.tokenEndpoint, request.tenantId);
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: request.appId,
    client_secret: request.secret,
    scope: options.scope,
  }).toString();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await readBounded(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    if (text === null) return { verdict: 'unavailable', detail: `HTTP ${response.status}, answer too large` };
    return readTokenResponse(response.status, text);
  } catch (err) {
    if (controller.signal.aborted) {
      return { verdict: 'unavailable', detail: `no answer within ${options.timeoutMs / 1000} s` };
    }
    return { verdict: 'unavailable', detail: `request failed: ${describeFailure(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, or null when it is longer than `limit` bytes (the rest is not read). */
async function readBounded(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Network errors name the host and the system error; nothing of the request body.
function describeFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : 'unknown error';
}

/**
 * Reads a token endpoint's answer. 200 with an `access_token` is `valid`. A 400 or 401 carrying
 * Entra's AADSTS codes (`error_codes`, or the `AADSTSnnn:` prefix of `error_description`) is
 * `invalid` (7000215), `expired` (7000222) or `unknownApp` (700016, 90002); any other answer proves
 * nothing and is `unavailable`. The detail names the HTTP status, `error` and codes only: an
 * endpoint's free text is not repeated.
 */
export function readTokenResponse(status: number, text: string): LiveSecretCheck {
  const body = parseObject(text);
  if (status === 200) {
    if (typeof body?.access_token === 'string' && body.access_token !== '') {
      return { verdict: 'valid', detail: 'live token request succeeded' };
    }
    return { verdict: 'unavailable', detail: 'HTTP 200 without an access token' };
  }
  if (status === 429) return { verdict: 'unavailable', detail: 'HTTP 429, rate limited' };
  if (status >= 500) return { verdict: 'unavailable', detail: `HTTP ${status}, server error` };
  const error = typeof body?.error === 'string' && /^[a-z_]{1,64}$/.test(body.error) ? body.error : null;
  const codes = errorCodes(body);
  const said = [`HTTP ${status}`, error, ...codes.map((c) => `AADSTS${c}`)].filter(Boolean).join(' ');
  if (status === 400 || status === 401) {
    if (error === 'invalid_client' && codes.includes(INVALID_SECRET)) {
      return { verdict: 'invalid', detail: `${said}: invalid client secret` };
    }
    if (error === 'invalid_client' && codes.includes(EXPIRED_SECRET)) {
      return { verdict: 'expired', detail: `${said}: client secret expired` };
    }
    if (codes.includes(APP_NOT_FOUND)) {
      return { verdict: 'unknownApp', detail: `${said}: application not found in the tenant` };
    }
    if (codes.includes(TENANT_NOT_FOUND)) {
      return { verdict: 'unknownApp', detail: `${said}: tenant not found` };
    }
  }
  return { verdict: 'unavailable', detail: `${said}: inconclusive` };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function errorCodes(body: Record<string, unknown> | null): number[] {
  if (body === null) return [];
  if (Array.isArray(body.error_codes)) {
    const codes = body.error_codes.filter((c): c is number => Number.isInteger(c));
    if (codes.length > 0) return codes.slice(0, 8);
  }
  const m =
    typeof body.error_description === 'string' ? /^AADSTS(\d{1,9}):/.exec(body.error_description) : null;
  return m ? [Number(m[1])] : [];
}
