import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../errors/api-error.ts';
import type { CheckedFilter } from './check-filter.ts';
import { parseQueryOptions } from './parse-query-options.ts';
import type { QueryModel } from './query-model.ts';
import { encodeSkipToken } from './skip-token.ts';

const RISK_LEVELS = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'];

const model: QueryModel = {
  name: 'servicePrincipalRiskDetections',
  properties: {
    id: { kind: 'scalar', type: 'string', column: 'd.id', filter: ['eq', 'in'], sort: true },
    servicePrincipalId: {
      kind: 'scalar',
      type: 'guid',
      column: 'd.principal_id',
      filter: ['eq', 'ne', 'in'],
    },
    riskLevel: {
      kind: 'scalar',
      type: 'enum',
      column: 'd.risk_level',
      filter: ['eq', 'ne', 'in'],
      sort: true,
      members: RISK_LEVELS,
    },
    riskEventType: {
      kind: 'scalar',
      type: 'string',
      column: 'd.risk_event_type',
      filter: ['eq', 'startswith', 'endswith', 'contains'],
    },
    detectedDateTime: {
      kind: 'scalar',
      type: 'dateTime',
      column: 'd.detected_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in'],
      sort: true,
    },
    'location/countryOrRegion': {
      kind: 'scalar',
      type: 'string',
      column: 'd.country',
      filter: ['eq'],
      sort: true,
    },
    accountEnabled: {
      kind: 'scalar',
      type: 'boolean',
      column: 'sp.account_enabled',
      filter: ['eq', 'ne'],
      sort: true,
    },
    statusCode: { kind: 'scalar', type: 'int', column: 's.status_code', filter: ['eq', 'gt'], sort: true },
    ipAddress: { kind: 'scalar', type: 'string', column: 'd.ip_address', sort: true },
    keyIds: {
      kind: 'collection',
      type: 'guid',
      storage: { json: 'd.key_ids' },
      filter: ['eq', 'startswith'],
    },
  },
  key: { property: 'id', column: 'd.id' },
  defaultOrder: [{ property: 'detectedDateTime', descending: true }],
  selectable: ['id', 'riskLevel', 'detectedDateTime', 'keyIds'],
  defaultTop: 100,
  maxTop: 500,
};

const options = (query: Record<string, unknown>) => parseQueryOptions(query, model);
const filterOf = (text: string): CheckedFilter => {
  const { filter } = options({ $filter: text });
  assert.ok(filter);
  return filter;
};

function rejects(query: Record<string, unknown>, message: string | RegExp): void {
  assert.throws(
    () => options(query),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, `an ApiError for ${JSON.stringify(query)}`);
      assert.equal(err.status, 400);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

describe('parseQueryOptions', () => {
  test('defaults: the model order ending in its key, in the direction of the key before it', () => {
    assert.deepEqual(options({}), {
      filter: null,
      orderBy: [
        { property: 'detectedDateTime', descending: true },
        { property: 'id', descending: true },
      ],
      top: 100,
      select: null,
      count: false,
      after: null,
    });
  });

  test('option names in any case; parameters without $ are left alone', () => {
    const o = options({
      $FILTER: "riskLevel eq 'high'",
      $Top: '5',
      $OrderBy: 'riskLevel desc',
      $select: 'id, riskLevel',
      $COUNT: 'TRUE',
      'api-version': '2',
      filter: 'anything at all',
    });
    assert.deepEqual(o.filter, { kind: 'compare', operator: 'eq', property: 'riskLevel', value: 'high' });
    assert.equal(o.top, 5);
    assert.deepEqual(o.orderBy, [
      { property: 'riskLevel', descending: true },
      { property: 'id', descending: true },
    ]);
    assert.deepEqual(o.select, ['id', 'riskLevel']);
    assert.equal(o.count, true);
    assert.equal(options({ $count: 'false' }).count, false);
  });

  test('unsupported, repeated and malformed options are a 400 naming them', () => {
    for (const name of ['$expand', '$search', '$format', '$levels', '$compute', '$apply', '$whatever']) {
      rejects({ [name]: 'x' }, `The query option '${name}' is not supported.`);
    }
    rejects({ $skip: '10' }, "The query option '$skip' is not supported. Follow @odata.nextLink to page.");
    rejects(
      { $filter: ["riskLevel eq 'high'", "riskLevel eq 'low'"] },
      "The query option '$filter' is given more than once.",
    );
    rejects({ $top: '5', $TOP: '6' }, "The query option '$top' is given more than once.");
    for (const top of ['0', '501', '-1', '1.5', 'abc', '', ' 5', '99999999999999999999']) {
      rejects({ $top: top }, '$top must be a whole number from 1 to 500.');
    }
    assert.equal(options({ $top: '500' }).top, 500);
    rejects({ $count: 'yes' }, '$count must be true or false.');
    rejects(
      { $select: 'id,secret' },
      /\$select cannot name 'secret' on servicePrincipalRiskDetections\. Selectable properties: id, riskLevel/,
    );
    rejects({ $select: '' }, /\$select cannot name ''/);
    assert.deepEqual(options({ $select: 'id,id,keyIds' }).select, ['id', 'keyIds']);
  });

  test('$orderby: sortable properties, asc/desc, at most five, the key appended unless named', () => {
    assert.deepEqual(
      options({ $orderby: 'location/countryOrRegion asc, statusCode DESC,accountEnabled' }).orderBy,
      [
        { property: 'location/countryOrRegion', descending: false },
        { property: 'statusCode', descending: true },
        { property: 'accountEnabled', descending: false },
        { property: 'id', descending: false },
      ],
    );
    assert.deepEqual(options({ $orderby: 'id desc' }).orderBy, [{ property: 'id', descending: true }]);
    rejects(
      { $orderby: 'riskEventType' },
      /cannot sort servicePrincipalRiskDetections by 'riskEventType'\. Sortable properties: id, riskLevel/,
    );
    rejects({ $orderby: 'RiskLevel' }, /cannot sort .* by 'RiskLevel'/);
    rejects({ $orderby: 'riskLevel sideways' }, /cannot sort .* by 'riskLevel sideways'/);
    rejects({ $orderby: 'keyIds' }, /cannot sort .* by 'keyIds'/);
    rejects({ $orderby: 'riskLevel,riskLevel desc' }, "$orderby names 'riskLevel' more than once.");
    rejects(
      { $orderby: 'id,riskLevel,detectedDateTime,statusCode,accountEnabled,ipAddress' },
      '$orderby may name at most 5 properties.',
    );
    rejects({ $orderby: '' }, /cannot sort/);
    rejects({ $orderby: 'constructor' }, /cannot sort/);
  });

  test('$filter values are converted to what the columns store', () => {
    assert.deepEqual(filterOf('servicePrincipalId eq 01234567-89AB-CDEF-0123-456789ABCDEF'), {
      kind: 'compare',
      operator: 'eq',
      property: 'servicePrincipalId',
      value: '01234567-89ab-cdef-0123-456789abcdef',
    });
    assert.deepEqual(filterOf("servicePrincipalId in ('01234567-89AB-CDEF-0123-456789ABCDEF')"), {
      kind: 'in',
      property: 'servicePrincipalId',
      values: ['01234567-89ab-cdef-0123-456789abcdef'],
    });
    const time = (text: string, op = 'eq') =>
      (filterOf(`detectedDateTime ${op} ${text}`) as { value: unknown }).value;
    assert.equal(time('2026-11-01T01:00:00+01:00'), '2026-11-01T00:00:00.000Z');
    assert.equal(time('2026-11-01T01:00:00 01:00'), '2026-11-01T00:00:00.000Z', "a '+' decoded as a space");
    assert.equal(time('2026-10-31T19:30:00-04:30'), '2026-11-01T00:00:00.000Z');
    assert.equal(time('2026-11-01T00:00Z'), '2026-11-01T00:00:00.000Z');
    assert.equal(time('2026-11-01T00:00:00'), '2026-11-01T00:00:00.000Z', 'no offset: UTC');
    assert.equal(time("'2026-11-01T00:00:00.5Z'"), '2026-11-01T00:00:00.500Z');
    assert.equal(time('2026-11-01T00:00:00.1239Z', 'gt'), '2026-11-01T00:00:00.123Z');
    assert.equal(time('2026-11-01T00:00:00.1239Z', 'ge'), '2026-11-01T00:00:00.124Z');
    assert.equal(time('2026-11-01T00:00:00.1230000Z', 'ge'), '2026-11-01T00:00:00.123Z');
    assert.equal(time('2026-11-01T00:00:00.1239Z'), '2026-11-01T00:00:00.1239Z');
    assert.equal(time('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
    assert.deepEqual(filterOf("riskLevel in ('HIGH', microsoft.graph.riskLevel'Low')"), {
      kind: 'in',
      property: 'riskLevel',
      values: ['high', 'low'],
    });
    assert.deepEqual(filterOf('accountEnabled eq true'), {
      kind: 'compare',
      operator: 'eq',
      property: 'accountEnabled',
      value: 1,
    });
    assert.deepEqual(filterOf('accountEnabled ne null'), {
      kind: 'compare',
      operator: 'ne',
      property: 'accountEnabled',
      value: null,
    });
    assert.deepEqual(filterOf("contains(riskEventType, '50%_off!')"), {
      kind: 'like',
      property: 'riskEventType',
      pattern: '%50!%!_off!!%',
    });
    assert.deepEqual(filterOf("startswith(riskEventType, 'a')"), {
      kind: 'like',
      property: 'riskEventType',
      pattern: 'a%',
    });
    assert.deepEqual(filterOf("endswith(riskEventType, 'a')"), {
      kind: 'like',
      property: 'riskEventType',
      pattern: '%a',
    });
    assert.deepEqual(filterOf("keyIds/any(k: startswith(k, 'ABC'))"), {
      kind: 'lambda',
      quantifier: 'any',
      collection: 'keyIds',
      body: { kind: 'like', property: 'keyIds', pattern: 'abc%' },
    });
  });

  test('$filter is checked against the model', () => {
    rejects(
      { $filter: "secret eq 'x'" },
      "The property 'secret' (position 1) cannot be used in $filter on servicePrincipalRiskDetections. Filterable properties: id, servicePrincipalId, riskLevel, riskEventType, detectedDateTime, location/countryOrRegion, accountEnabled, statusCode. Collections (with any/all): keyIds.",
    );
    rejects({ $filter: "RiskLevel eq 'high'" }, /The property 'RiskLevel' \(position 1\) cannot be used/);
    rejects({ $filter: "ipAddress eq '1.2.3.4'" }, /The property 'ipAddress' .* cannot be used/);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      rejects({ $filter: `${name} eq 1` }, /cannot be used in \$filter/);
      rejects({ $filter: `${name}/any(x: x eq 1)` }, /is not a collection/);
    }
    rejects(
      { $filter: "riskLevel gt 'low'" },
      "The operator 'gt' cannot be used with 'riskLevel'. Allowed: eq, ne, in.",
    );
    rejects(
      { $filter: "startswith(riskLevel, 'h')" },
      "The operator 'startswith' cannot be used with 'riskLevel'. Allowed: eq, ne, in.",
    );
    rejects(
      { $filter: "keyIds/any(k: k ne 'x')" },
      "The operator 'ne' cannot be used with the elements of 'keyIds'. Allowed: eq, startswith.",
    );
    rejects(
      { $filter: 'riskLevel eq 5' },
      "The value 5 at position 14 does not fit 'riskLevel': expected one of 'low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'.",
    );
    rejects({ $filter: "riskLevel eq 'extreme'" }, /'extreme' at position 14 does not fit 'riskLevel'/);
    rejects({ $filter: "riskLevel eq microsoft.graph.riskLevel'extreme'" }, /does not fit 'riskLevel'/);
    rejects(
      { $filter: "servicePrincipalId eq 'abc'" },
      /'abc' at position 23 does not fit 'servicePrincipalId': expected a GUID/,
    );
    rejects({ $filter: 'detectedDateTime ge 2026-13-01T00:00:00Z' }, /expected a date and time/);
    rejects({ $filter: 'detectedDateTime ge 2026-02-29T00:00:00Z' }, /expected a date and time/);
    rejects({ $filter: 'detectedDateTime ge 2026-11-01T24:00:00Z' }, /expected a date and time/);
    rejects({ $filter: 'detectedDateTime ge 2026-11-01T00:00:00+24:00' }, /expected a date and time/);
    rejects({ $filter: "detectedDateTime ge 'yesterday'" }, /expected a date and time/);
    rejects({ $filter: 'detectedDateTime ge 1700000000' }, /expected a date and time/);
    rejects({ $filter: "accountEnabled eq 'true'" }, /expected true or false/);
    rejects({ $filter: 'accountEnabled eq 1' }, /expected true or false/);
    rejects({ $filter: "statusCode eq '5'" }, /expected an integer/);
    rejects({ $filter: 'statusCode eq true' }, /expected an integer/);
    rejects({ $filter: 'id eq 5' }, /expected a string in single quotes/);
    rejects({ $filter: 'statusCode gt null' }, "null can only be compared with 'eq' or 'ne' (position 15).");
    rejects({ $filter: "id in ('a', null)" }, "null cannot be in an 'in' list (position 13); use 'eq null'.");
    rejects(
      { $filter: 'contains(riskEventType, 5)' },
      /contains\(\) takes a string property and a string in single quotes/,
    );
    rejects(
      { $filter: "keyIds eq 'x'" },
      "'keyIds' is a collection: filter it with a lambda, e.g. keyIds/any(x: x eq …).",
    );
    rejects({ $filter: "riskLevel/any(x: x eq 'high')" }, /'riskLevel' \(position 1\) is not a collection/);
    rejects(
      { $filter: "keyIds/any(k: riskLevel eq 'high')" },
      /only the lambda variable 'k' can be used; found 'riskLevel'/,
    );
    rejects({ $filter: "keyIds/any(k: j eq 'x')" }, /only the lambda variable 'k'/);
  });

  test('$skiptoken: a round trip under the same order, a 400 under another or when forged', () => {
    const { orderBy } = options({ $orderby: 'statusCode desc,riskLevel' });
    const token = encodeSkipToken(orderBy, [7000215, null, 'f3a1']);
    assert.deepEqual(options({ $orderby: 'statusCode desc,riskLevel', $skipToken: token }).after, [
      7000215,
      null,
      'f3a1',
    ]);
    // PostgreSQL returns 64-bit integers as text; they come back as numbers.
    const fromText = encodeSkipToken(orderBy, ['7000215', 'high', 'f3a1']);
    assert.deepEqual(options({ $orderby: 'statusCode desc,riskLevel', $skiptoken: fromText }).after, [
      7000215,
      'high',
      'f3a1',
    ]);

    const invalid = 'The $skiptoken is not valid.';
    rejects({ $orderby: 'statusCode,riskLevel', $skiptoken: token }, invalid);
    rejects({ $skiptoken: token }, invalid);
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const signed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { o: string };
    for (const forged of [
      '',
      'abc',
      '!!!!',
      'a'.repeat(9000),
      b64('not json'),
      b64('null'),
      b64('[]'),
      b64('{"v":2}'),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1, 'a'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: ['x', 'high', 'id'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1.5, 'high', 'id'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1, 5, 'id'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1, { $ne: 1 }, 'id'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1, ['a'], 'id'] })),
      b64(JSON.stringify({ v: 1, o: signed.o, k: [1e300, 'high', 'id'] })),
      `${token}=`,
    ]) {
      rejects({ $orderby: 'statusCode desc,riskLevel', $skiptoken: forged }, invalid);
    }
  });
});
