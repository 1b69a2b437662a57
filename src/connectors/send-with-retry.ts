/** How a connector retries: Microsoft Graph, Key Vault and the token endpoint share this policy. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Longest single wait; a service asking for longer is not waited for. */
  maxWaitMs: number;
  /** Waits; tests pass one that records the delay instead. */
  sleep: (ms: number) => Promise<void>;
  /** The clock `Retry-After` dates are measured against. */
  now: () => number;
  /**
   * Whether sending the request twice does no harm. A request that failed on the network may still
   * have reached the service: one that is not idempotent (a POST adding a secret) is retried only
   * when the connection was never made.
   */
  idempotent: boolean;
}

/** What `sendWithRetry` saw, for error messages. */
export interface RetryOutcome {
  response: Response;
  /** Attempts made. */
  attempts: number;
  /** The wait the service last asked for, in ms, when it asked for more than `maxWaitMs`. */
  refusedWaitMs: number | null;
}

/** Statuses that mean "not now": throttled, or the service briefly unavailable. */
const RETRYABLE_STATUSES = new Set([429, 503]);

// Failures before any byte of the request left this machine: safe to repeat whatever the method.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Without a Retry-After, waits double from one second.
const FIRST_BACKOFF_MS = 1000;

/**
 * How long a `Retry-After` header asks to wait, in ms: delta-seconds (`120`) or an HTTP date
 * (`Fri, 27 Nov 2026 07:00:00 GMT`, measured from `now`). Null when absent or unreadable; a date
 * already past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the forms HTTP dates take; Date.parse alone would accept "1" or "2026".
  if (!/^[A-Za-z]{3},? \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Whether a failed fetch certainly never reached the service. */
export function failedBeforeSending(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' && NOT_SENT_CODES.has(cause.code);
}

/**
 * Sends a request, retrying 429 and 503 answers after the wait their `Retry-After` asks for (or a
 * doubling backoff without one) and network failures (see `idempotent`), up to `maxAttempts`.
 * Returns the last answer, whatever its status; throws the last network failure when no attempt
 * got an answer.
 */
export async function sendWithRetry(
  send: () => Promise<Response>,
  options: RetryOptions,
): Promise<RetryOutcome> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await send();
    } catch (err) {
      const retryable = options.idempotent || failedBeforeSending(err);
      if (!retryable || attempt >= options.maxAttempts) throw err;
      await options.sleep(backoff(attempt, options.maxWaitMs));
      continue;
    }
    if (!RETRYABLE_STATUSES.has(response.status) || attempt >= options.maxAttempts) {
      return { response, attempts: attempt, refusedWaitMs: null };
    }
    const asked = parseRetryAfter(response.headers.get('retry-after'), options.now());
    // Waiting less than asked only earns another refusal; the caller reports the wait instead.
    if (asked !== null && asked > options.maxWaitMs) {
      return { response, attempts: attempt, refusedWaitMs: asked };
    }
    await response.body?.cancel().catch(() => {});
    await options.sleep(asked ?? backoff(attempt, options.maxWaitMs));
  }
}

function backoff(attempt: number, maxWaitMs: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), maxWaitMs);
}
