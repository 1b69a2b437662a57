import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTimestamp, parseTimestamp } from './parse-timestamp.ts';

describe('parseTimestamp', () => {
  it('reads RFC 3339 times with a zone, to the millisecond', () => {
    assert.equal(parseTimestamp('2024-03-01T10:15:00Z'), Date.UTC(2024, 2, 1, 10, 15));
    assert.equal(parseTimestamp('2024-03-01T10:15:00.123456Z'), Date.UTC(2024, 2, 1, 10, 15, 0, 123));
    assert.equal(parseTimestamp('2024-03-01T11:15:00+01:00'), Date.UTC(2024, 2, 1, 10, 15));
    assert.equal(normaliseTimestamp('2024-03-01T05:15:00.5-05:00'), '2024-03-01T10:15:00.500Z');
  });

  it('refuses times whose meaning would depend on the server (no zone) or that are not times', () => {
    for (const text of [
      '2024-03-01 10:15:00',
      '2024-03-01T10:15:00',
      '2024-03-01',
      'yesterday',
      '',
      42,
      null,
    ]) {
      assert.ok(Number.isNaN(parseTimestamp(text)), String(text));
      assert.equal(normaliseTimestamp(text), null);
    }
    assert.ok(Number.isNaN(parseTimestamp('2024-13-01T00:00:00Z')));
  });
});
