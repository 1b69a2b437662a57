import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextLink, pageOf } from './apply-query-options.ts';
import type { QueryOptions } from './parse-query-options.ts';

const options: QueryOptions = {
  filter: null,
  orderBy: [
    { property: 'riskLastUpdatedDateTime', descending: true },
    { property: 'id', descending: false },
  ],
  top: 2,
  select: null,
  count: false,
  after: null,
};

describe('pageOf', () => {
  test('a page of top rows; a token only when a row was left over, made from the last row kept', () => {
    const row = (id: string, at: string | null) => ({ id, __k0: at, __k1: id });
    const rows = [row('a', '2026-11-02T10:00:00.000Z'), row('b', null), row('c', null)];
    const page = pageOf(rows, options);
    assert.deepEqual(
      page.rows.map((r) => r.id),
      ['a', 'b'],
    );
    assert.ok(page.skipToken && /^[A-Za-z0-9_-]+$/.test(page.skipToken));
    const decoded = JSON.parse(Buffer.from(page.skipToken, 'base64url').toString());
    assert.deepEqual(decoded.k, [null, 'b']);
    assert.deepEqual(pageOf(rows.slice(0, 2), options), { rows: rows.slice(0, 2), skipToken: null });
    assert.deepEqual(pageOf([], options), { rows: [], skipToken: null });
  });
});

describe('nextLink', () => {
  test('keeps the request options in order, replaces the old token and encodes values', () => {
    const link = nextLink(
      'https://vigil.example.com/v1.0/',
      '/identityProtection/riskyServicePrincipals',
      {
        $filter: "riskLevel eq 'high' and riskLastUpdatedDateTime ge 2026-11-01T00:00:00+01:00",
        $top: '5',
        $skipToken: 'old',
        $count: 'true',
        tag: ['a&b', 'c'],
      },
      'eyJ2IjoxfQ',
    );
    assert.equal(
      link,
      'https://vigil.example.com/v1.0/identityProtection/riskyServicePrincipals' +
        "?$filter=riskLevel%20eq%20'high'%20and%20riskLastUpdatedDateTime%20ge%202026-11-01T00%3A00%3A00%2B01%3A00" +
        '&$top=5&$count=true&tag=a%26b&tag=c&$skiptoken=eyJ2IjoxfQ',
    );
    const parsed = new URL(link);
    assert.equal(
      parsed.searchParams.get('$filter'),
      "riskLevel eq 'high' and riskLastUpdatedDateTime ge 2026-11-01T00:00:00+01:00",
    );
    assert.equal(nextLink('https://h/v1.0', 'x', {}, 't'), 'https://h/v1.0/x?$skiptoken=t');
  });
});
