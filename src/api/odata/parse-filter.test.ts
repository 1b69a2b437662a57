import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../errors/api-error.ts';
import type { FilterNode, Literal } from './filter-ast.ts';
import { parseFilter } from './parse-filter.ts';
import {
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  MAX_IN_LIST_LENGTH,
  MAX_STRING_LITERAL_LENGTH,
} from './query-limits.ts';

/** The tree without positions, written compactly, to compare shapes. */
function shape(node: FilterNode): unknown {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [node.kind, shape(node.left), shape(node.right)];
    case 'not':
      return ['not', shape(node.operand)];
    case 'compare':
      return [node.operator, node.property.path, value(node.value)];
    case 'in':
      return ['in', node.property.path, node.values.map(value)];
    case 'function':
      return [node.name, node.property.path, value(node.value)];
    case 'lambda':
      return [node.quantifier, node.collection.path, node.variable, node.body && shape(node.body)];
  }
}

function value(literal: Literal): unknown {
  if (literal.kind === 'null') return null;
  if (literal.kind === 'enum') return `${literal.typeName}:${literal.value}`;
  return literal.kind === 'string' ? `'${literal.value}'` : literal.value;
}

const parsed = (text: string) => shape(parseFilter(text));

function rejects(text: string, message: string | RegExp): void {
  assert.throws(
    () => parseFilter(text),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, `an ApiError for ${JSON.stringify(text.slice(0, 60))}`);
      assert.equal(err.status, 400);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

/** Runs `fn` and says how long it took, in milliseconds. */
function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

describe('parseFilter', () => {
  test('every comparison operator, with keywords in any case', () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le']) {
      assert.deepEqual(parsed(`riskLevel ${op} 'high'`), [op, 'riskLevel', "'high'"]);
      assert.deepEqual(parsed(`riskLevel ${op.toUpperCase()} 'high'`), [op, 'riskLevel', "'high'"]);
    }
    assert.deepEqual(parsed("riskLevel Eq 'low' AND NOT (riskState eQ 'atRisk') Or x eq 1"), [
      'or',
      ['and', ['eq', 'riskLevel', "'low'"], ['not', ['eq', 'riskState', "'atRisk'"]]],
      ['eq', 'x', 1],
    ]);
  });

  test('every kind of literal', () => {
    const literal = (text: string) => (parseFilter(`p eq ${text}`) as { value: Literal }).value;
    assert.deepEqual(value(literal("'it''s'")), "'it's'");
    assert.deepEqual(value(literal("''")), "''");
    assert.deepEqual(value(literal("'日本語 ✓'")), "'日本語 ✓'");
    assert.equal(literal('01234567-89ab-cdef-0123-456789ABCDEF').kind, 'guid');
    assert.equal(
      literal('deadbeef-0000-4000-8000-000000000000').kind,
      'guid',
      'a GUID may start with a letter',
    );
    assert.deepEqual(value(literal('42')), 42);
    assert.deepEqual(value(literal('-7')), -7);
    assert.deepEqual(value(literal('0')), 0);
    assert.deepEqual(value(literal('true')), true);
    assert.deepEqual(value(literal('FALSE')), false);
    assert.deepEqual(value(literal('null')), null);
    for (const dt of [
      '2026-11-01T00:00:00Z',
      '2026-11-01T00:00Z',
      '2026-11-01t00:00:00z',
      '2026-11-01T00:00:00.1234567Z',
      '2026-11-01T01:00:00+01:00',
      '2026-11-01T01:00:00-05:30',
      '2026-11-01T01:00:00 01:00',
      '2026-11-01T00:00:00',
    ]) {
      const l = literal(dt);
      assert.equal(l.kind, 'dateTime', dt);
      assert.equal(l.kind === 'dateTime' && l.value, dt);
    }
    assert.deepEqual(value(literal("microsoft.graph.riskLevel'high'")), 'microsoft.graph.riskLevel:high');
  });

  test('in lists, functions, lambdas and property paths', () => {
    assert.deepEqual(parsed("riskLevel in ('low', 'high')"), ['in', 'riskLevel', ["'low'", "'high'"]]);
    assert.deepEqual(parsed('code IN (1,-2 , 3)'), ['in', 'code', [1, -2, 3]]);
    assert.deepEqual(parsed("location/countryOrRegion eq 'NL'"), ['eq', 'location/countryOrRegion', "'NL'"]);
    for (const fn of ['startswith', 'endswith', 'contains']) {
      assert.deepEqual(parsed(`${fn}(displayName,'Con')`), [fn, 'displayName', "'Con'"]);
    }
    assert.deepEqual(parsed("StartsWith(displayName, 'x')"), ['startswith', 'displayName', "'x'"]);
    assert.deepEqual(parsed("startswith(displayName, 'x') eq true"), ['startswith', 'displayName', "'x'"]);
    assert.deepEqual(parsed("startswith(displayName, 'x') eq false"), [
      'not',
      ['startswith', 'displayName', "'x'"],
    ]);
    assert.deepEqual(parsed("signInEventTypes/any(t: t eq 'servicePrincipal')"), [
      'any',
      'signInEventTypes',
      't',
      ['eq', 't', "'servicePrincipal'"],
    ]);
    assert.deepEqual(parsed('keyIds/ALL(k:k ne 5 and k ne 6)'), [
      'all',
      'keyIds',
      'k',
      ['and', ['ne', 'k', 5], ['ne', 'k', 6]],
    ]);
    assert.deepEqual(parsed('keyIds/any()'), ['any', 'keyIds', null, null]);
    assert.deepEqual(parsed("'high' eq riskLevel"), ['eq', 'riskLevel', "'high'"]);
    assert.deepEqual(parsed('5 lt code'), ['gt', 'code', 5]);
    assert.deepEqual(parsed('2026-11-01T00:00:00Z ge t'), ['le', 't', '2026-11-01T00:00:00Z']);
  });

  test('precedence: not over and over or; parentheses group', () => {
    assert.deepEqual(parsed('a eq 1 or b eq 2 and c eq 3'), [
      'or',
      ['eq', 'a', 1],
      ['and', ['eq', 'b', 2], ['eq', 'c', 3]],
    ]);
    assert.deepEqual(parsed('(a eq 1 or b eq 2) and c eq 3'), [
      'and',
      ['or', ['eq', 'a', 1], ['eq', 'b', 2]],
      ['eq', 'c', 3],
    ]);
    assert.deepEqual(parsed('not a eq 1 and b eq 2'), ['and', ['not', ['eq', 'a', 1]], ['eq', 'b', 2]]);
    assert.deepEqual(parsed('a eq 1 and b eq 2 and c eq 3'), [
      'and',
      ['and', ['eq', 'a', 1], ['eq', 'b', 2]],
      ['eq', 'c', 3],
    ]);
    assert.deepEqual(parsed('not not not (a eq 1)'), ['not', ['not', ['not', ['eq', 'a', 1]]]]);
    assert.deepEqual(parsed('((((a eq 1))))'), ['eq', 'a', 1]);
  });

  test('errors say what was expected and where', () => {
    rejects(
      "startswith(a,'x' and b eq 1",
      "Syntax error in $filter at position 18: expected ')' but found 'and'.",
    );
    rejects(
      'riskLevel eq',
      'Syntax error in $filter at position 13: expected a value but found the end of the filter.',
    );
    rejects("riskLevel equals 'high'", /position 11: expected a comparison operator .* but found 'equals'/);
    rejects(
      "riskLevel eq 'high' riskState eq 'x'",
      /position 21: expected 'and', 'or' or the end .* found 'riskState'/,
    );
    rejects("(riskLevel eq 'high'", /position 21: expected '\)' but found the end of the filter/);
    rejects("riskLevel eq 'high", /position 14: the string starting here is not closed/);
    rejects("tolower(riskLevel) eq 'high'", /position 1: the function 'tolower' is not supported/);
    rejects("riskLevel has 'high'", /expected a comparison operator/);
    rejects('a eq 1.5', /position 6: '1.5' is not a valid value/);
    rejects('a eq 2026-11-01', /position 6: '2026-11-01' is not a valid value/);
    rejects('a eq 01234567-89ab-cdef-0123-456789abcdefX', /is not a valid value/);
    rejects('a eq 99999999999999999999', /position 6: the number '99999999999999999999' is out of range/);
    rejects('a eq microsoft.graph.x', /expected a quoted value after the type name/);
    rejects('a eq b', /expected a value but found 'b'/);
    rejects("'a' eq 'b'", /expected a property but found/);
    rejects('keyIds/all()', /'all' needs a condition/);
    rejects('x/any(a: a/any(b: b eq 1))', /a lambda cannot be nested in another lambda/);
    rejects('a eq @p', /position 6: unexpected character '@'/);
    rejects('', 'The $filter is empty.');
    rejects('   ', 'The $filter is empty.');
    rejects('a eq 1 and', /expected a property, a function or '\(' but found the end/);
  });

  test('limits: length, depth, comparisons, string length, in-list length', () => {
    parseFilter(`a eq '${'x'.repeat(MAX_STRING_LITERAL_LENGTH)}'`);
    rejects(`a eq '${'x'.repeat(MAX_STRING_LITERAL_LENGTH + 1)}'`, /longer than 1024 characters/);
    rejects(`a eq '${"''".repeat(MAX_STRING_LITERAL_LENGTH + 1)}'`, /longer than 1024 characters/);
    const open = (n: number) => `${'('.repeat(n)}a eq 1${')'.repeat(n)}`;
    parseFilter(open(MAX_FILTER_DEPTH));
    rejects(open(MAX_FILTER_DEPTH + 1), /nested more than 32 levels deep/);
    rejects(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a eq 1`, /nested more than 32 levels deep/);
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `a eq ${i}`).join(' or ');
    parseFilter(chain(MAX_FILTER_COMPARISONS));
    rejects(chain(MAX_FILTER_COMPARISONS + 1), /more than 100 comparisons/);
    const list = (n: number) => `a in (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    parseFilter(list(MAX_IN_LIST_LENGTH));
    rejects(list(MAX_IN_LIST_LENGTH + 1), /an 'in' list may hold at most 100 values/);
    parseFilter(`a eq 1${' '.repeat(MAX_FILTER_LENGTH - 6)}`);
    rejects(`a eq ${'1'.repeat(MAX_FILTER_LENGTH)}`, 'The $filter is longer than 4096 characters.');
  });

  test('hostile input ends in a 400, quickly', () => {
    const hostile = [
      `${'('.repeat(10_000)}a eq 1${')'.repeat(10_000)}`,
      `${'('.repeat(2_000)}a eq 1${')'.repeat(2_000)}`,
      `a eq '${'x'.repeat(1_000_000)}'`,
      `a eq '${'x'.repeat(4_000)}`,
      "'; drop table risk_detections; --",
      "a eq 'x'; drop table risk_detections; --",
      "a eq 'x' or 1 eq 1 --'",
      `${'not '.repeat(1_000)}a eq 1`,
      'a eq 1\u0000 or b eq 2',
      "a eq 'x\u0000y' \u0000",
      'ädmin eq 1',
      "a eq 'x' \u202e or b eq 1",
      '\ud800',
      `a eq ${'9'.repeat(400)}`,
      `a in (${'1,'.repeat(1_500)}1)`,
      'a/any(b: b/any(c: c/any(d: d eq 1)))',
      `${'a/'.repeat(1_000)}b eq 1`,
      ")))))((((( eq eq eq '",
      '$filter=a eq 1',
      "a eq 'x''",
    ];
    for (const text of hostile) {
      let error: unknown;
      const ms = timed(() => {
        try {
          parseFilter(text);
        } catch (err) {
          error = err;
        }
      });
      if (error === undefined) continue; // deep paths within the limits are syntax, checked against the model later
      assert.ok(
        error instanceof ApiError && error.status === 400,
        `a 400 for ${JSON.stringify(text.slice(0, 40))}`,
      );
      assert.ok(error.message.length < 400, 'the message stays short');
      assert.ok(!/[^\x20-\x7e…]/.test(error.message), 'the message shows other characters escaped');
      assert.ok(ms < 50, `rejected in ${ms.toFixed(1)} ms`);
    }
  });

  test('random input only ever fails with a 400', () => {
    const pieces = [
      'a',
      'riskLevel',
      ' eq ',
      ' ne ',
      ' gt ',
      ' and ',
      ' or ',
      'not ',
      ' in ',
      '(',
      ')',
      ',',
      ':',
      '/',
      "'",
      "''",
      "'x'",
      '1',
      '-',
      '2026-11-01T00:00:00Z',
      '01234567-89ab-cdef-0123-456789abcdef',
      'true',
      'null',
      'any(',
      'all(',
      'startswith(',
      'microsoft.graph.riskLevel',
      '.',
      ' ',
      '\u0000',
      'é',
      '+',
      '%',
      '$',
    ];
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    let parsedCount = 0;
    const ms = timed(() => {
      for (let i = 0; i < 20_000; i++) {
        let text = '';
        const n = 1 + Math.floor(next() * 14);
        for (let j = 0; j < n; j++) {
          text +=
            next() < 0.1
              ? String.fromCharCode(Math.floor(next() * 0x3000))
              : pieces[Math.floor(next() * pieces.length)];
        }
        try {
          parseFilter(text);
          parsedCount++;
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 400) {
            assert.fail(`${JSON.stringify(text)} threw ${String(err)}`);
          }
        }
      }
    });
    assert.ok(parsedCount > 0, 'some random inputs are valid filters');
    assert.ok(ms < 5_000, `20000 inputs in ${ms.toFixed(0)} ms`);
  });
});
