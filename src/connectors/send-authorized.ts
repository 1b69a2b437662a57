import { randomUUID } from 'node:crypto';
import type { ResolvedConnectorOptions, TokenSource } from './graph-connection.ts';
import { sendWithRetry } from './send-with-retry.ts';

/** One JSON request to a service that takes Entra bearer tokens (Graph, Key Vault). */
export interface AuthorizedRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  scope: string;
}

/** A failed request as the service answered it, for the caller to turn into its own error type. */
export interface FailedAnswer {
  /** 0 when no answer came. */
  status: number;
  headers: Headers;
  text: string;
  /** The wait asked for, in seconds, when longer than the connector waits. */
  retryAfterSeconds: number | null;
  /** The network failure, when no answer came. */
  failure: unknown;
}

/**
 * Sends a request with a bearer token of `scope`, retrying throttling and unavailability (see
 * `sendWithRetry`) and, once, a 401 with a fresh token (a cached one can be revoked early). Returns
 * the parsed JSON body, or null for an empty one (204); any other answer goes to `fail`.
 */
export async function sendAuthorized(
  request: AuthorizedRequest,
  tokens: TokenSource,
  options: ResolvedConnectorOptions,
  fail: (answer: FailedAnswer) => Error,
): Promise<unknown> {
  // POST actions (addPassword) are not idempotent; the rest are.
  const idempotent = request.method !== 'POST';
  for (let renewed = false; ; renewed = true) {
    const token = await tokens.token(request.scope);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'client-request-id': randomUUID(),
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let outcome: Awaited<ReturnType<typeof sendWithRetry>>;
    try {
      outcome = await sendWithRetry(
        () =>
          options.fetch(request.url, {
            method: request.method,
            headers,
            ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
            // A bearer token follows no redirect.
            redirect: 'manual',
            signal: AbortSignal.timeout(options.timeoutMs),
          }),
        {
          maxAttempts: options.maxAttempts,
          maxWaitMs: options.maxWaitMs,
          sleep: options.sleep,
          now: options.now,
          idempotent,
        },
      );
    } catch (err) {
      throw fail({ status: 0, headers: new Headers(), text: '', retryAfterSeconds: null, failure: err });
    }
    const { response, refusedWaitMs } = outcome;
    const text = await response.text();
    if (response.status === 401 && !renewed) {
      tokens.clear(request.scope);
      continue;
    }
    if (response.status < 200 || response.status > 299) {
      throw fail({
        status: response.status,
        headers: response.headers,
        text,
        retryAfterSeconds: refusedWaitMs === null ? null : Math.ceil(refusedWaitMs / 1000),
        failure: null,
      });
    }
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw fail({
        status: response.status,
        headers: response.headers,
        text: '',
        retryAfterSeconds: null,
        failure: new Error('the answer is not JSON'),
      });
    }
  }
}
