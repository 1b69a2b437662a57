import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { parseIpAddress } from './parse-ip-address.ts';

function parse(text: string): { kind: string; words: number[] } {
  const out = new Uint32Array(4);
  const kind = parseIpAddress(text, out);
  return { kind, words: kind === 'ipv4' ? [out[0]!] : kind === 'ipv6' ? [...out] : [] };
}

// The canonical text of an IPv6 address according to the WHATWG URL parser, an independent reference.
function canonicalIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname;
}

function wordsToIpv6(words: number[]): string {
  return words.map((w) => `${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`).join(':');
}

describe('parseIpAddress', () => {
  it('reads dotted-quad IPv4 as an unsigned 32-bit number', () => {
    assert.deepEqual(parse('8.8.8.8'), { kind: 'ipv4', words: [0x08080808] });
    assert.deepEqual(parse('0.0.0.0'), { kind: 'ipv4', words: [0] });
    assert.deepEqual(parse('255.255.255.255'), { kind: 'ipv4', words: [0xffffffff] });
    assert.deepEqual(parse('20.190.128.1'), {
      kind: 'ipv4',
      words: [(20 * 2 ** 24 + 190 * 2 ** 16 + 128 * 256 + 1) >>> 0],
    });
  });

  it('rejects IPv4 text that parsers disagree on or that is not an address', () => {
    for (const text of [
      '075.050.255.67', // leading zeros: octal to inet_aton, decimal to others
      '01.2.3.4',
      '1.2.3.00',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '-1.2.3.4',
      '1.2.3.4/32',
      '0x7f.0.0.1',
      '2130706433',
      '١.٢.٣.٤',
      '1.2.3.4\n',
    ]) {
      assert.equal(parse(text).kind, 'invalid', text);
    }
  });

  it('reads IPv6 in every textual form into four big-endian words', () => {
    assert.deepEqual(parse('::'), { kind: 'ipv6', words: [0, 0, 0, 0] });
    assert.deepEqual(parse('::1'), { kind: 'ipv6', words: [0, 0, 0, 1] });
    assert.deepEqual(parse('2001:4860:4860::8888'), {
      kind: 'ipv6',
      words: [0x20014860, 0x48600000, 0, 0x8888],
    });
    assert.deepEqual(parse('2001:4860:4860:0:0:0:0:8888'), parse('2001:4860:4860::8888'));
    assert.deepEqual(parse('2A01:111:F400::1'), parse('2a01:111:f400::1'));
    assert.deepEqual(parse('1::'), { kind: 'ipv6', words: [0x00010000, 0, 0, 0] });
    assert.deepEqual(parse('::ffff:1.2.3.4'), { kind: 'ipv6', words: [0, 0, 0xffff, 0x01020304] });
    assert.deepEqual(parse('::ffff:0102:0304'), parse('::ffff:1.2.3.4'));
    assert.deepEqual(parse('fe80::1%eth0'), parse('fe80::1'));
    assert.deepEqual(parse('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), {
      kind: 'ipv6',
      words: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    });
  });

  it('rejects malformed IPv6', () => {
    for (const text of [
      ':',
      ':::',
      '1:::2',
      '1::2::3',
      ':1::2',
      '1::2:',
      '12345::',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '::ffff:1.2.3.256',
      '::ffff:01.2.3.4',
      '1.2.3.4::',
      '::1.2.3.4:5',
      '2001:db8::g',
      'fe80::1%',
      '[::1]',
    ]) {
      assert.equal(parse(text).kind, 'invalid', text);
    }
  });

  it('agrees with node:net and the URL parser on mutated addresses', () => {
    // Deterministic mutations (drop, duplicate, swap a character) of real addresses walk the edges
    // of the grammar; node's isIP and WHATWG URL are the independent references.
    const seeds = [
      '8.8.8.8',
      '192.168.10.254',
      '2001:4860:4860::8888',
      '::ffff:10.0.0.1',
      '2a01:111:f400:7e1b::5',
      '1:2:3:4:5:6:7:8',
      '::',
      'fe80::abcd:1',
      '64:ff9b::1.2.3.4',
    ];
    const alphabet = '0123456789abcdef:.';
    let state = 7;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    let checked = 0;
    for (const seed of seeds) {
      for (let i = 0; i < 400; i++) {
        let text = seed;
        const at = random(text.length + 1);
        const op = random(3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1);
        else if (op === 1) text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at);
        else text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at + 1);
        const got = parse(text);
        const expected = isIP(text);
        assert.equal(got.kind, expected === 4 ? 'ipv4' : expected === 6 ? 'ipv6' : 'invalid', text);
        if (got.kind === 'ipv6')
          assert.equal(canonicalIpv6(wordsToIpv6(got.words)), canonicalIpv6(text), text);
        checked++;
      }
    }
    assert.equal(checked, seeds.length * 400);
  });

  it('never throws, whatever the text', () => {
    const out = new Uint32Array(4);
    let state = 99;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const length = state % 50;
      for (let j = 0; j < length; j++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        text += String.fromCharCode(state % 3 === 0 ? state % 0xffff : 0x25 + (state % 0x45));
      }
      assert.ok(['ipv4', 'ipv6', 'invalid'].includes(parseIpAddress(text, out)));
    }
  });
});
