import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpAddress } from './parse-ip-address.ts';
import { isSpecialPurposeIpv4, isSpecialPurposeIpv6 } from './special-purpose-addresses.ts';

const words = new Uint32Array(4);
function special(text: string): boolean {
  const kind = parseIpAddress(text, words);
  if (kind === 'ipv4') return isSpecialPurposeIpv4(words[0]!);
  if (kind === 'ipv6') return isSpecialPurposeIpv6(words[0]!, words[1]!);
  throw new Error(`not an address: ${text}`);
}

describe('special-purpose addresses', () => {
  it('covers private, loopback, link-local, CGNAT, documentation, benchmarking, multicast and reserved IPv4', () => {
    for (const text of [
      '0.0.0.0',
      '0.255.255.255',
      '10.0.0.0',
      '10.255.255.255',
      '100.64.0.0',
      '100.127.255.255',
      '127.0.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.0.0.8',
      '192.0.2.1',
      '192.88.99.1',
      '192.168.1.1',
      '198.18.0.1',
      '198.19.255.255',
      '198.51.100.7',
      '203.0.113.9',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
    ]) {
      assert.equal(special(text), true, text);
    }
  });

  it('leaves the public neighbours of those blocks alone', () => {
    for (const text of [
      '1.0.0.0',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '126.255.255.255',
      '128.0.0.0',
      '169.253.255.255',
      '172.15.255.255',
      '172.32.0.0',
      '192.0.1.0',
      '192.0.3.0',
      '192.167.255.255',
      '192.169.0.0',
      '198.17.255.255',
      '198.20.0.0',
      '203.0.112.255',
      '223.255.255.255',
      '8.8.8.8',
      '20.190.128.1',
    ]) {
      assert.equal(special(text), false, text);
    }
  });

  it('treats everything outside global unicast and the non-routed IPv6 blocks as special', () => {
    for (const text of [
      '::',
      '::1',
      '::1.2.3.4',
      '64:ff9b::1.2.3.4',
      '100::1',
      '5f00::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fec0::1',
      'ff02::1',
      '2001:db8::1',
      '3fff:fff::1',
      '2001:2::1',
      '2001:10::1',
      '2001:2f::1',
    ]) {
      assert.equal(special(text), true, text);
    }
    for (const text of [
      '2001:4860:4860::8888',
      '2a01:111:f400::1',
      '2001:4:112::1',
      '2001:3::1',
      '2001:2:1::1',
      '3ffe::1',
      '2c0f:f248::1',
    ]) {
      assert.equal(special(text), false, text);
    }
  });
});
