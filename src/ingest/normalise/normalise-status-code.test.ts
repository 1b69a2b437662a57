import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseStatusCode } from './normalise-status-code.ts';

test('numbers and numeric strings become numbers', () => {
  assert.equal(normaliseStatusCode(0), 0);
  assert.equal(normaliseStatusCode(7000222), 7000222);
  assert.equal(normaliseStatusCode('0'), 0);
  assert.equal(normaliseStatusCode('7000215'), 7000215);
  assert.equal(normaliseStatusCode(' 53003 '), 53003);
  assert.equal(normaliseStatusCode('-1'), -1);
});

test('anything else is invalid', () => {
  for (const bad of [
    '',
    ' ',
    '-',
    'abc',
    '12a',
    '1.5',
    1.5,
    Number.NaN,
    Infinity,
    '99999999999999',
    null,
    true,
    {},
  ]) {
    assert.equal(normaliseStatusCode(bad), null, String(bad));
  }
});
