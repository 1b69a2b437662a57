import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseIpAddress } from './normalise-ip-address.ts';

test('IPv4 addresses pass through unchanged', () => {
  assert.equal(normaliseIpAddress('20.42.65.90'), '20.42.65.90');
  assert.equal(normaliseIpAddress(' 52.23.187.16 '), '52.23.187.16');
  assert.equal(normaliseIpAddress('0.0.0.0'), '0.0.0.0');
});

test('octets with leading zeros are read as decimal and written without them', () => {
  assert.equal(normaliseIpAddress('075.050.255.67'), '75.50.255.67');
  assert.equal(normaliseIpAddress('010.000.001.001'), '10.0.1.1');
});

test('empty values mean "no IP" (managed identity sign-ins), not an error', () => {
  assert.equal(normaliseIpAddress(''), null);
  assert.equal(normaliseIpAddress('   '), null);
  assert.equal(normaliseIpAddress(null), null);
  assert.equal(normaliseIpAddress(undefined), null);
  assert.equal(normaliseIpAddress('null'), null);
});

test('IPv6 is lower-cased and compressed; IPv4-mapped addresses become IPv4', () => {
  assert.equal(normaliseIpAddress('2603:1030:20E:3::23C'), '2603:1030:20e:3::23c');
  assert.equal(normaliseIpAddress('2a02:1810:4d1c:3a00:0000:0000:0000:005e'), '2a02:1810:4d1c:3a00::5e');
  assert.equal(normaliseIpAddress('::FFFF:52.23.187.16'), '52.23.187.16');
  assert.equal(normaliseIpAddress('fe80::1%eth0'), 'fe80::1');
  assert.equal(normaliseIpAddress('::1'), '::1');
});

test('anything else that is not an address is reported as invalid', () => {
  for (const bad of [
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.4:443',
    '1..3.4',
    '0075.1.1.1',
    'localhost',
    '2001:db8::g',
    '2001:db8:::1',
    'x'.repeat(1000),
    42,
    {},
  ]) {
    assert.equal(normaliseIpAddress(bad), false, String(bad).slice(0, 40));
  }
});
