import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReportTime } from './parse-report-time.ts';

describe('parseReportTime', () => {
  it('reads RFC 3339 and git timestamps as UTC with milliseconds', () => {
    assert.equal(parseReportTime('2025-08-19T14:02:51Z'), '2025-08-19T14:02:51.000Z');
    assert.equal(parseReportTime('2025-08-19 16:02:51 +0200'), '2025-08-19T14:02:51.000Z');
    assert.equal(parseReportTime('2025-11-04T12:00:00+01:00'), '2025-11-04T11:00:00.000Z');
    assert.equal(parseReportTime('2025-03-11T16:48:55.1029384Z'), '2025-03-11T16:48:55.102Z');
    assert.equal(parseReportTime('2025-08-19T14:02:51'), '2025-08-19T14:02:51.000Z');
  });

  it('gives null for blanks and text that is not a time', () => {
    for (const value of ['', '   ', 'last Tuesday', '2025-13-45T99:00:00Z', 1724076171, null]) {
      assert.equal(parseReportTime(value), null, String(value));
    }
  });
});
