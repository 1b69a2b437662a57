import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readStixPatternAddresses } from './read-stix-pattern-addresses.ts';
import { MAX_STIX_PATTERN_LENGTH, tokenizeStixPattern } from './tokenize-stix-pattern.ts';

// The addresses a pattern yields as `type value` strings, or the kind when it yields none.
function read(pattern: string): string[] | string {
  const result = readStixPatternAddresses(pattern);
  return result.kind === 'addresses'
    ? result.addresses.map((a) => `${a.objectType} ${a.value}`)
    : result.kind;
}

describe('tokenizeStixPattern', () => {
  it('splits paths, operators, strings with escapes, typed literals and numbers', () => {
    const scanned = tokenizeStixPattern(
      "[file:hashes.'SHA-256' != 'it\\'s' AND x:refs[*].n >= -2.5] START t'2024-01-01T00:00:00Z'",
    );
    assert.ok('tokens' in scanned);
    assert.deepEqual(
      scanned.tokens.map((t) => (t.kind === t.text ? t.text : `${t.kind}:${t.text}`)),
      [
        '[',
        'word:file',
        ':',
        'word:hashes',
        '.',
        'string:SHA-256',
        'op:!=',
        "string:it's",
        'word:AND',
        'word:x',
        ':',
        'word:refs',
        '[',
        '*',
        ']',
        '.',
        'word:n',
        'op:>=',
        'number:-2.5',
        ']',
        'word:START',
        "typed:t'2024-01-01T00:00:00Z'",
      ],
    );
  });

  it('refuses what it cannot scan', () => {
    assert.ok('error' in tokenizeStixPattern("[ipv4-addr:value = 'open"));
    assert.ok('error' in tokenizeStixPattern("[ipv4-addr:value = 'a\\n']"));
    assert.ok('error' in tokenizeStixPattern('[ipv4-addr:value ! 1]'));
    assert.ok('error' in tokenizeStixPattern('[ipv4-addr:value = {1}]'));
  });
});

describe('readStixPatternAddresses', () => {
  it('reads single addresses and blocks of both families', () => {
    assert.deepEqual(read("[ipv4-addr:value = '198.51.100.1']"), ['ipv4-addr 198.51.100.1']);
    assert.deepEqual(read("[ipv4-addr:value = '203.0.113.0/24']"), ['ipv4-addr 203.0.113.0/24']);
    assert.deepEqual(read("[ipv6-addr:value = '2001:db8::/32']"), ['ipv6-addr 2001:db8::/32']);
    assert.deepEqual(read("[ipv4-addr:value ISSUBSET '198.51.100.0/25']"), ['ipv4-addr 198.51.100.0/25']);
  });

  it('reads every address of an OR, an IN set and a nested disjunction', () => {
    assert.deepEqual(read("[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2']"), [
      'ipv4-addr 192.0.2.1',
      'ipv4-addr 192.0.2.2',
    ]);
    assert.deepEqual(read("[ipv4-addr:value IN ('192.0.2.3', '192.0.2.4')]"), [
      'ipv4-addr 192.0.2.3',
      'ipv4-addr 192.0.2.4',
    ]);
    assert.deepEqual(
      read(
        "([ipv4-addr:value = '192.0.2.5' OR (ipv6-addr:value = '2001:db8::5')] OR [ipv4-addr:value = '192.0.2.5'])",
      ),
      ['ipv4-addr 192.0.2.5', 'ipv6-addr 2001:db8::5'],
    );
  });

  it('keeps an address branch that stands beside unrelated OR branches', () => {
    assert.deepEqual(
      read(
        "[domain-name:value = 'c2.example'] OR [ipv4-addr:value = '192.0.2.9'] OR [file:hashes.MD5 = 'x']",
      ),
      ['ipv4-addr 192.0.2.9'],
    );
  });

  it('yields nothing where one address does not satisfy the pattern alone', () => {
    for (const pattern of [
      "[ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'c2.example']",
      "[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:x_port = 443]",
      "[ipv4-addr:value NOT = '192.0.2.1']",
      "[ipv4-addr:value != '192.0.2.1']",
      "[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES",
      "[ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS",
      "[ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
      "[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
      "[ipv4-addr:value NOT IN ('192.0.2.1')]",
      "[ipv4-addr:value LIKE '192.0.2.%']",
      "[ipv4-addr:resolves_to_refs[*].value = '00:00:5e:00:53:01']",
      "[network-traffic:src_ref.value = '192.0.2.1']",
    ]) {
      assert.equal(read(pattern), 'none', pattern);
    }
  });

  it('says why a pattern yields nothing', () => {
    const hash = readStixPatternAddresses("[file:hashes.'SHA-256' = 'aa']");
    assert.deepEqual(hash, { kind: 'none', reason: 'it tests no ipv4-addr or ipv6-addr value' });
    const combined = readStixPatternAddresses("[ipv4-addr:value = '192.0.2.1'] AND [file:name = 'a.exe']");
    assert.equal(combined.kind, 'none');
    assert.match((combined as { reason: string }).reason, /together with other conditions/);
  });

  it('rejects malformed patterns and addresses that are none', () => {
    for (const pattern of [
      '',
      "ipv4-addr:value = '192.0.2.1'",
      "[ipv4-addr:value = '192.0.2.1'",
      "[ipv4-addr:value = '192.0.2.1']]",
      "[ipv4-addr:value = '192.0.2.1' or ipv4-addr:value = '192.0.2.2']",
      "[ipv4-addr:value '192.0.2.1']",
      "[ipv4-addr = '192.0.2.1']",
      "[ipv4-addr:value IN ('192.0.2.1',)]",
      "[ipv4-addr:value = '192.0.2.256']",
      "[ipv4-addr:value = '2001:db8::1']",
      "[ipv6-addr:value = '192.0.2.1']",
      "[ipv4-addr:value = 'c2.example']",
      "[ipv4-addr:value = '192.0.2.0/33']",
    ]) {
      assert.equal(read(pattern), 'invalid', pattern);
    }
  });

  it('rejects oversized and deeply nested patterns quickly, and reads long legitimate ones', () => {
    const started = performance.now();
    const huge = `[ipv4-addr:value = '192.0.2.1']${" OR [ipv4-addr:value = '192.0.2.1']".repeat(400)}`;
    assert.ok(huge.length > MAX_STIX_PATTERN_LENGTH);
    assert.match((readStixPatternAddresses(huge) as { reason: string }).reason, /over the 10240 limit/);
    assert.equal(read('x'.repeat(50_000_000)), 'invalid');
    const deep = `${'('.repeat(4000)}[ipv4-addr:value = '192.0.2.1']${')'.repeat(4000)}`;
    assert.match((readStixPatternAddresses(deep) as { reason: string }).reason, /nests deeper than 32/);
    const quotes = `[ipv4-addr:value = '${"\\'".repeat(5000)}']`;
    assert.equal(read(quotes), 'invalid');
    const many = Array.from({ length: 250 }, (_, i) => `'192.0.2.${i}'`).join(',');
    assert.equal((read(`[ipv4-addr:value IN (${many})]`) as string[]).length, 250);
    assert.ok(performance.now() - started < 500, 'hostile patterns are refused in well under a second');
  });
});
