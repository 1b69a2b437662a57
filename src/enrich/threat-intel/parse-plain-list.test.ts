import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlainList } from './parse-plain-list.ts';

// The shapes of the published lists, with documentation addresses in place of the real entries.
const SPAMHAUS_DROP = `; Spamhaus DROP List 2024/03/10 - (c) 2024 The Spamhaus Project SLU
; https://www.spamhaus.org/drop/drop.txt
; Last-Modified: Sun, 10 Mar 2024 10:17:23 GMT
; Expires: Mon, 11 Mar 2024 11:25:54 GMT
192.0.2.0/24 ; SBL000101
198.51.100.0/25 ; SBL000102
203.0.113.128/25 ; SBL000103
`;

const FIREHOL_NETSET = `#
# firehol_level1
#
# ipv4 hash:net ipset
#
# Maintainer      : FireHOL
# Source File Date: Sun Mar 10 10:18:24 UTC 2024
# Category        : attacks
# Entries         : 4 subnets, 16843265 unique IPs
#
0.0.0.0/8
192.0.2.0/24
198.51.100.7
203.0.113.0/26
`;

const TOR_BULK_EXIT_LIST = `ExitNode 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567
Published 2024-03-10 03:27:16
LastStatus 2024-03-10 09:00:00
ExitAddress 192.0.2.201 2024-03-10 09:10:44
ExitNode 1B2C3D4E5F60718293A4B5C6D7E8F9012345678A
Published 2024-03-10 05:41:02
LastStatus 2024-03-10 09:00:00
ExitAddress 198.51.100.202 2024-03-10 09:12:05
ExitAddress 203.0.113.203 2024-03-10 09:15:31
`;

describe('parsePlainList', () => {
  it('reads Spamhaus DROP, keeping the SBL reference as the description', () => {
    const { indicators, rejected } = parsePlainList(SPAMHAUS_DROP, {
      source: 'spamhaus-drop',
      confidence: 90,
    });
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      indicators.map((i) => [i.cidr, i.description]),
      [
        ['192.0.2.0/24', 'SBL000101'],
        ['198.51.100.0/25', 'SBL000102'],
        ['203.0.113.128/25', 'SBL000103'],
      ],
    );
    assert.deepEqual(indicators[0], {
      cidr: '192.0.2.0/24',
      source: 'spamhaus-drop',
      confidence: 90,
      labels: [],
      validFrom: null,
      validUntil: null,
      id: null,
      description: 'SBL000101',
    });
  });

  it('reads a FireHOL netset, its header being comments', () => {
    const { indicators, rejected } = parsePlainList(FIREHOL_NETSET, { source: 'firehol_level1' });
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      indicators.map((i) => [i.cidr, i.confidence, i.description]),
      [
        ['0.0.0.0/8', 50, null],
        ['192.0.2.0/24', 50, null],
        ['198.51.100.7', 50, null],
        ['203.0.113.0/26', 50, null],
      ],
    );
  });

  it('reads the Tor bulk exit list, naming the relay of each exit address', () => {
    const { indicators, rejected } = parsePlainList(TOR_BULK_EXIT_LIST, {
      source: 'tor-exits',
      confidence: 60,
      labels: ['anonymization', 'tor'],
    });
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      indicators.map((i) => [i.cidr, i.description, i.labels]),
      [
        ['192.0.2.201', 'Tor exit relay 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567', ['anonymization', 'tor']],
        [
          '198.51.100.202',
          'Tor exit relay 1B2C3D4E5F60718293A4B5C6D7E8F9012345678A',
          ['anonymization', 'tor'],
        ],
        [
          '203.0.113.203',
          'Tor exit relay 1B2C3D4E5F60718293A4B5C6D7E8F9012345678A',
          ['anonymization', 'tor'],
        ],
      ],
    );
    // Each indicator owns its labels.
    assert.notEqual(indicators[0]?.labels, indicators[1]?.labels);
  });

  it('reads a plain one-address-per-line list with CRLF endings, a BOM and IPv6', () => {
    const text = '\ufeff192.0.2.1\r\n198.51.100.2\r\n\r\n2001:db8::1\r\n2001:db8:1::/48 # hoster\r\n';
    const { indicators, rejected } = parsePlainList(text, { source: 'tor-plain' });
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      indicators.map((i) => [i.cidr, i.description]),
      [
        ['192.0.2.1', null],
        ['198.51.100.2', null],
        ['2001:db8::1', null],
        ['2001:db8:1::/48', 'hoster'],
      ],
    );
  });

  it('reports malformed lines by number and keeps reading', () => {
    const text = [
      '# header', // 1
      '192.0.2.1', // 2
      '192.0.2.256', // 3
      '192.0.2.0/33 ; SBL1', // 4
      '198.51.100.1 - 198.51.100.9', // 5
      'ExitAddress', // 6
      'evil.example', // 7
      '   203.0.113.5   ', // 8
      '010.0.0.1', // 9
    ].join('\n');
    const { indicators, rejected } = parsePlainList(text, { source: 'mixed' });
    assert.deepEqual(
      indicators.map((i) => i.cidr),
      ['192.0.2.1', '203.0.113.5'],
    );
    assert.deepEqual(
      rejected.map((r) => [r.line, r.reason]),
      [
        [3, '"192.0.2.256" is not an address or CIDR block'],
        [4, '"192.0.2.0/33" is not an address or CIDR block'],
        [5, 'expected one address or CIDR block per line'],
        [6, '"" is not an address or CIDR block'],
        [7, '"evil.example" is not an address or CIDR block'],
        [9, '"010.0.0.1" is not an address or CIDR block'],
      ],
    );
    assert.equal(rejected[1]?.text, '192.0.2.0/33 ; SBL1');
  });

  it('applies validity options, normalised to UTC', () => {
    const { indicators } = parsePlainList('192.0.2.1\n', {
      source: 'daily',
      validFrom: '2024-03-10T10:00:00+01:00',
      validUntil: '2024-03-11T09:00:00Z',
    });
    assert.equal(indicators[0]?.validFrom, '2024-03-10T09:00:00.000Z');
    assert.equal(indicators[0]?.validUntil, '2024-03-11T09:00:00.000Z');
  });

  it('throws on invalid options only', () => {
    assert.throws(() => parsePlainList('', { source: 's', confidence: 101 }), RangeError);
    assert.throws(() => parsePlainList('', { source: 's', validUntil: 'tomorrow' }), RangeError);
    assert.deepEqual(parsePlainList('', { source: 's' }), { indicators: [], rejected: [] });
  });
});
