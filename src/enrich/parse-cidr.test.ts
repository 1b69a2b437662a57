import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr } from './parse-cidr.ts';

const block = (text: string) => {
  const range = parseCidr(text);
  return range && { width: range.width, first: [...range.first], last: [...range.last] };
};

describe('parseCidr', () => {
  it('reads IPv4 blocks and bare addresses', () => {
    assert.deepEqual(block('10.1.0.0/16'), { width: 1, first: [0x0a010000], last: [0x0a01ffff] });
    assert.deepEqual(block('20.190.128.0/18'), { width: 1, first: [0x14be8000], last: [0x14bebfff] });
    assert.deepEqual(block('8.8.8.8'), { width: 1, first: [0x08080808], last: [0x08080808] });
    assert.deepEqual(block('0.0.0.0/0'), { width: 1, first: [0], last: [0xffffffff] });
  });

  it('ignores host bits below the prefix', () => {
    assert.deepEqual(block('10.1.2.3/16'), block('10.1.0.0/16'));
  });

  it('reads IPv6 blocks across word boundaries', () => {
    assert.deepEqual(block('2001:db8::/32'), {
      width: 4,
      first: [0x20010db8, 0, 0, 0],
      last: [0x20010db8, 0xffffffff, 0xffffffff, 0xffffffff],
    });
    assert.deepEqual(block('2603:1000::/25'), {
      width: 4,
      first: [0x26031000, 0, 0, 0],
      last: [0x2603107f, 0xffffffff, 0xffffffff, 0xffffffff],
    });
    assert.deepEqual(block('2001:db8:0:1::/64'), {
      width: 4,
      first: [0x20010db8, 0x00000001, 0, 0],
      last: [0x20010db8, 0x00000001, 0xffffffff, 0xffffffff],
    });
  });

  it('turns IPv4-mapped blocks into IPv4 blocks', () => {
    assert.deepEqual(block('::ffff:10.0.0.0/104'), block('10.0.0.0/8'));
  });

  it('rejects what is not a block', () => {
    for (const text of [
      '',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0/',
      '10.0.0.0/08',
      '10.0.0.0/-1',
      '10.0.0/8',
      'x/8',
      '10.0.0.0/8/8',
    ]) {
      assert.equal(parseCidr(text), null, text);
    }
  });
});
