import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr } from '../enrich/parse-cidr.ts';
import { parsePlainList } from '../enrich/threat-intel/parse-plain-list.ts';
import { indicatorList } from './indicator-list.ts';
import { createRandom } from './random.ts';

function ipv4(text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

describe('indicatorList', () => {
  const keepClear = ['20.42.65.0/24', '52.33.12.0/24', '167.99.130.0/24', '73.162.10.0/24'];
  const listed = ['167.99.130.77', '45.76.100.9'];
  const { text, entries } = indicatorList(createRandom(3), {
    listed,
    keepClear,
    count: 3000,
    description: 'test list',
  });

  it('is a plain list Vigil reads without a rejected line', () => {
    assert.match(text, /^#\n# vigil-simulated-blocklist\n/);
    const parsed = parsePlainList(text, { source: 'test' });
    assert.equal(parsed.rejected.length, 0);
    assert.equal(parsed.indicators.length, entries);
    assert.equal(entries, 3000 + listed.length);
    assert.ok(
      parsed.indicators.some((i) => i.cidr.includes('/')),
      'no network entries',
    );
  });

  it('lists the attackers and covers nothing that must stay clear', () => {
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const ip of listed) assert.ok(lines.includes(ip), ip);
    const clear = keepClear.map((c) => ipv4(c.slice(0, -3)));
    for (const line of lines) {
      if (listed.includes(line)) continue;
      const cidr = line.includes('/') ? line : `${line}/32`;
      const range = parseCidr(cidr);
      assert.ok(range, line);
      const [base, bits] = cidr.split('/');
      const lo = ipv4(base!);
      const hi = lo + 2 ** (32 - Number(bits)) - 1;
      for (const c of clear) assert.ok(hi < c || lo > c + 255, `${line} covers a network in use`);
    }
    // Sorted by address, as published lists are.
    const starts = lines.map((l) => ipv4(l.split('/')[0]!));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
  });
});
