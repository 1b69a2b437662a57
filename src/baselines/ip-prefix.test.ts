import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipPrefix } from './ip-prefix.ts';

test('an IPv4 address compares by its /24', () => {
  assert.equal(ipPrefix('20.73.147.18'), '20.73.147.0/24');
  assert.equal(ipPrefix('20.73.147.201'), '20.73.147.0/24');
  assert.equal(ipPrefix('20.73.148.18'), '20.73.148.0/24');
  assert.equal(ipPrefix('8.8.8.8'), '8.8.8.0/24');
});

test('an IPv6 address compares by its /48 in RFC 5952 text', () => {
  assert.equal(ipPrefix('2603:1030:20e:3::23c'), '2603:1030:20e::/48');
  assert.equal(ipPrefix('2603:1030:20e:7:8::1'), '2603:1030:20e::/48');
  assert.equal(ipPrefix('2a02:1810:4d1c:3a00::5e'), '2a02:1810:4d1c::/48');
  assert.equal(ipPrefix('2001:db8::1'), '2001:db8::/48');
  assert.equal(ipPrefix('2001:0:5::1'), '2001:0:5::/48');
  assert.equal(ipPrefix('2001::1'), '2001::/48');
  assert.equal(ipPrefix('::1'), '::/48');
  assert.equal(ipPrefix('0:1:2:3:4:5:6:7'), '0:1:2::/48');
});

test('a non-canonical IPv6 spelling yields the same prefix as the canonical one', () => {
  assert.equal(ipPrefix('2603:1030:020E:0003:0000:0000:0000:023C'), '2603:1030:20e::/48');
});

test('text that is no address has no prefix', () => {
  assert.equal(ipPrefix('localhost'), null);
  assert.equal(ipPrefix('1:2'), null);
});
