import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseTimestamp } from './normalise-timestamp.ts';

test('7-digit fractions with Z, as Entra writes them, truncate to milliseconds', () => {
  assert.equal(normaliseTimestamp('2025-03-11T14:02:17.4829137Z'), '2025-03-11T14:02:17.482Z');
  // Truncated, not rounded: .9999999 must not roll into the next second (or day, or year).
  assert.equal(normaliseTimestamp('2024-12-31T23:59:59.9999999Z'), '2024-12-31T23:59:59.999Z');
});

test('+00:00 and other offsets convert to UTC', () => {
  assert.equal(normaliseTimestamp('2025-03-11T14:05:41.1093342+00:00'), '2025-03-11T14:05:41.109Z');
  assert.equal(normaliseTimestamp('2025-03-11T16:05:41.1093342+02:00'), '2025-03-11T14:05:41.109Z');
  assert.equal(normaliseTimestamp('2025-03-10T21:35:00-05:30'), '2025-03-11T03:05:00.000Z');
  assert.equal(normaliseTimestamp('2025-03-11T14:05:41.5+0100'), '2025-03-11T13:05:41.500Z');
  assert.equal(normaliseTimestamp('2025-01-01T00:30:00+01:00'), '2024-12-31T23:30:00.000Z');
});

test('no fraction, short fractions, no zone and a space separator are accepted', () => {
  assert.equal(normaliseTimestamp('2025-03-12T08:05:51Z'), '2025-03-12T08:05:51.000Z');
  assert.equal(normaliseTimestamp('2025-03-12T08:05:51.4Z'), '2025-03-12T08:05:51.400Z');
  assert.equal(normaliseTimestamp('2025-03-12T08:05:51.42Z'), '2025-03-12T08:05:51.420Z');
  assert.equal(normaliseTimestamp('2025-03-12T08:05:51.123'), '2025-03-12T08:05:51.123Z');
  assert.equal(normaliseTimestamp('2025-03-12 08:05:51.123456Z'), '2025-03-12T08:05:51.123Z');
  assert.equal(normaliseTimestamp('  2025-03-12T08:05:51Z '), '2025-03-12T08:05:51.000Z');
});

test('canonical input comes back as the same string', () => {
  const s = '2024-05-01T10:00:00.123Z';
  assert.equal(normaliseTimestamp(s), s);
});

test('US-locale timestamps from Azure exports are read as UTC', () => {
  assert.equal(normaliseTimestamp('8/22/2022 6:41:02 PM'), '2022-08-22T18:41:02.000Z');
  assert.equal(normaliseTimestamp('3/11/2025 3:14:52 PM'), '2025-03-11T15:14:52.000Z');
  assert.equal(normaliseTimestamp('12/1/2024, 12:05:09 AM'), '2024-12-01T00:05:09.000Z');
  assert.equal(normaliseTimestamp('12/1/2024 12:05:09 PM'), '2024-12-01T12:05:09.000Z');
  assert.equal(normaliseTimestamp('12/01/2024 17:05'), '2024-12-01T17:05:00.000Z');
  assert.equal(normaliseTimestamp('2/29/2024 1:00:00.25 am'), '2024-02-29T01:00:00.250Z');
});

test('impossible dates and times are rejected rather than rolled over', () => {
  for (const bad of [
    '2023-02-29T10:00:00Z',
    '2024-04-31T10:00:00Z',
    '2024-13-01T10:00:00Z',
    '2024-00-10T10:00:00Z',
    '2024-05-00T10:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T10:60:00Z',
    '2024-05-01T10:00:61Z',
    '2/30/2024 1:00:00 PM',
    '8/22/2022 13:41:02 PM',
    '8/22/2022 0:41:02 AM',
  ]) {
    assert.equal(normaliseTimestamp(bad), null, bad);
  }
});

test('malformed text and non-strings are rejected', () => {
  for (const bad of [
    '',
    'yesterday',
    '2024-05-01',
    '2024-05-01T10:00',
    '2024-05-01T10:00:00.Z',
    '2024-05-01T10:00:00Zjunk',
    '2024-05-01T10:00:00+5',
    '2024-05-01T10:00:00+24:00',
    '2024-05-01X10:00:00Z',
    '2024-05-01T10:00:00.123Z)',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:00:00-05:00',
    'x'.repeat(10_000),
    null,
    undefined,
    1_714_557_600_000,
    {},
  ]) {
    assert.equal(normaliseTimestamp(bad), null, String(bad).slice(0, 40));
  }
});

test('early years stay exact through offset arithmetic', () => {
  assert.equal(normaliseTimestamp('0001-01-01T01:00:00+01:00'), '0001-01-01T00:00:00.000Z');
  assert.equal(normaliseTimestamp('0050-03-01T00:30:00+01:00'), '0050-02-28T23:30:00.000Z');
});
