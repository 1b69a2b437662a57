import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limiter.ts';

function clock(start = Date.UTC(2026, 10, 27, 9)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('0 per minute turns limits off', () => {
  assert.equal(createRateLimiter({ perMinute: 0 }), null);
});

test('a caller may burst a minute’s worth, then is told when to come back', () => {
  const c = clock();
  const limiter = createRateLimiter({ perMinute: 120, now: c.now })!;
  for (let i = 0; i < 120; i++) assert.equal(limiter.take('caller:a'), 0, `request ${i}`);
  // 120 a minute is one every half second: the next is allowed in (at most) a second.
  assert.equal(limiter.take('caller:a'), 1);
  assert.equal(limiter.take('caller:b'), 0, 'other callers are unaffected');
  c.advance(500);
  assert.equal(limiter.take('caller:a'), 0);
  assert.equal(limiter.take('caller:a'), 1);
});

test('Retry-After grows as the rate shrinks, and is never 0 when refused', () => {
  const c = clock();
  const limiter = createRateLimiter({ perMinute: 3, now: c.now })!;
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('ip:203.0.113.9'), 0);
  assert.equal(limiter.take('ip:203.0.113.9'), 20);
  c.advance(15_000);
  assert.equal(limiter.take('ip:203.0.113.9'), 5);
  c.advance(5_000);
  assert.equal(limiter.take('ip:203.0.113.9'), 0);
  c.advance(-60_000);
  assert.ok(limiter.take('ip:203.0.113.9') > 0, 'a clock stepping back grants nothing');
});

test('the map of callers stays bounded; busy callers keep their state over rested ones', () => {
  const c = clock();
  const limiter = createRateLimiter({ perMinute: 2, maxKeys: 100, now: c.now })!;
  limiter.take('busy');
  limiter.take('busy');
  for (let i = 0; i < 99; i++) limiter.take(`rested-${i}`);
  c.advance(60_000);
  limiter.take('busy');
  limiter.take('busy');
  // The next new caller makes room: every rested caller goes, the busy one stays exhausted.
  assert.equal(limiter.take('newcomer'), 0);
  assert.equal(limiter.take('busy'), 30);
  // Many busy callers: the oldest are forgotten, and newcomers are still served.
  for (let i = 0; i < 1000; i++) {
    limiter.take(`flood-${i}`);
    limiter.take(`flood-${i}`);
  }
  assert.equal(limiter.take('late-newcomer'), 0);
});
