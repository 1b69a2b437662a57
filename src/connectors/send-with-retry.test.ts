import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRetryAfter, type RetryOptions, sendWithRetry } from './send-with-retry.ts';

const NOW = Date.parse('2026-11-27T06:30:00Z');

describe('parseRetryAfter', () => {
  test('delta-seconds', () => {
    assert.equal(parseRetryAfter('1', NOW), 1000);
    assert.equal(parseRetryAfter(' 120 ', NOW), 120_000);
    assert.equal(parseRetryAfter('0', NOW), 0);
  });

  test('an HTTP date, measured from now; a past one is 0', () => {
    assert.equal(parseRetryAfter('Fri, 27 Nov 2026 06:30:45 GMT', NOW), 45_000);
    assert.equal(parseRetryAfter('Fri, 27 Nov 2026 06:29:00 GMT', NOW), 0);
  });

  test('absent or unreadable is null', () => {
    assert.equal(parseRetryAfter(null, NOW), null);
    assert.equal(parseRetryAfter(undefined, NOW), null);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter('-5', NOW), null);
    assert.equal(parseRetryAfter('1.5', NOW), null);
    assert.equal(parseRetryAfter('2026-11-27T06:31:00Z', NOW), null);
  });
});

function answer(status: number, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : '{}', { status, headers });
}

function options(overrides: Partial<RetryOptions> = {}): RetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxAttempts: 4,
    maxWaitMs: 60_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => NOW,
    idempotent: true,
    ...overrides,
    waits,
  };
}

function networkError(code: string): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
}

describe('sendWithRetry', () => {
  test('waits what Retry-After asks, then returns the answer', async () => {
    const answers = [answer(429, { 'retry-after': '2' }), answer(503, { 'retry-after': '1' }), answer(200)];
    const o = options();
    const outcome = await sendWithRetry(async () => answers.shift()!, o);
    assert.equal(outcome.response.status, 200);
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(o.waits, [2000, 1000]);
  });

  test('without Retry-After the waits double; after the last attempt the refusal is returned', async () => {
    const o = options({ maxAttempts: 3 });
    const outcome = await sendWithRetry(async () => answer(503), o);
    assert.equal(outcome.response.status, 503);
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(o.waits, [1000, 2000]);
  });

  test('a wait longer than the cap is not waited for', async () => {
    const o = options();
    const outcome = await sendWithRetry(async () => answer(429, { 'retry-after': '300' }), o);
    assert.equal(outcome.response.status, 429);
    assert.equal(outcome.refusedWaitMs, 300_000);
    assert.deepEqual(o.waits, []);
  });

  test('other errors are not retried', async () => {
    let calls = 0;
    const outcome = await sendWithRetry(async () => {
      calls++;
      return answer(403);
    }, options());
    assert.equal(outcome.response.status, 403);
    assert.equal(calls, 1);
  });

  test('network failures are retried a bounded number of times', async () => {
    const o = options({ maxAttempts: 3 });
    let calls = 0;
    await assert.rejects(
      sendWithRetry(async () => {
        calls++;
        throw networkError('ECONNRESET');
      }, o),
      /fetch failed/,
    );
    assert.equal(calls, 3);
  });

  test('a request that is not idempotent is retried only when it never left', async () => {
    let calls = 0;
    await assert.rejects(
      sendWithRetry(
        async () => {
          calls++;
          throw networkError('ECONNRESET');
        },
        options({ idempotent: false }),
      ),
    );
    assert.equal(calls, 1, 'a reset connection may have delivered the request');
    const failures = [networkError('ECONNREFUSED')];
    const outcome = await sendWithRetry(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return answer(200);
      },
      options({ idempotent: false }),
    );
    assert.equal(outcome.response.status, 200);
  });
});
