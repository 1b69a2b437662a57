import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ASN_CSV_FILES } from './asn-database.ts';
import { type IpFacts, type IpIntel, loadIpIntel } from './ip-intel.ts';

// Expected values below were checked against the bundled data (asn-ipv4-num.csv, asn-ipv6-num.csv,
// geo-whois-asn-country.mmdb, version 2.3.2026061719) and belong to owners that do not change hands.
const nothing = { asn: null, asOrg: null, country: null, hosting: null, hostingProvider: null };

describe('loadIpIntel with the bundled data', () => {
  let intel: IpIntel;
  before(async () => {
    intel = await loadIpIntel();
  });

  it('loads ~500k ASN ranges in well under a few seconds', () => {
    assert.ok(
      intel.stats.asnRanges > 400_000 && intel.stats.asnRanges < 1_000_000,
      `${intel.stats.asnRanges}`,
    );
    assert.ok(intel.stats.loadMs > 0 && intel.stats.loadMs < 5_000, `${intel.stats.loadMs}`);
  });

  it('names Microsoft for Entra ID and Azure addresses', () => {
    for (const ip of ['20.190.128.1', '40.126.0.1']) {
      const facts = intel.lookup(ip);
      assert.equal(facts.asn, 8075, ip);
      assert.equal(facts.asOrg, 'Microsoft Corporation', ip);
      assert.equal(facts.hosting, true, ip);
      assert.equal(facts.hostingProvider, 'Microsoft', ip);
      assert.equal(facts.scope, 'public', ip);
    }
  });

  it('names Amazon for AWS addresses', () => {
    for (const ip of ['52.95.110.1', '3.5.140.2']) {
      const facts = intel.lookup(ip);
      assert.equal(facts.asn, 16509, ip);
      assert.equal(facts.asOrg, 'Amazon.com, Inc.', ip);
      assert.equal(facts.hosting, true, ip);
      assert.equal(facts.hostingProvider, 'Amazon', ip);
    }
  });

  it('answers Google public DNS in full', () => {
    assert.deepEqual(intel.lookup('8.8.8.8'), {
      asn: 15169,
      asOrg: 'Google LLC',
      country: 'US',
      hosting: true,
      hostingProvider: 'Google',
      scope: 'public',
    });
  });

  it('names Cloudflare, whose org name no keyword matches', () => {
    const facts = intel.lookup('1.1.1.1');
    assert.equal(facts.asn, 13335);
    assert.equal(facts.asOrg, 'Cloudflare, Inc.');
    assert.equal(facts.hosting, true);
    assert.equal(facts.hostingProvider, 'Cloudflare');
  });

  it('sees residential broadband as not hosting', () => {
    assert.deepEqual(intel.lookup('79.192.0.1'), {
      asn: 3320,
      asOrg: 'Deutsche Telekom AG',
      country: 'DE',
      hosting: false,
      hostingProvider: null,
      scope: 'public',
    });
    const comcast = intel.lookup('73.0.0.1');
    assert.equal(comcast.asn, 7922);
    assert.equal(comcast.asOrg, 'Comcast Cable Communications, LLC');
    assert.equal(comcast.country, 'US');
    assert.equal(comcast.hosting, false);
  });

  it('answers IPv6', () => {
    assert.deepEqual(intel.lookup('2001:4860:4860::8888'), {
      asn: 15169,
      asOrg: 'Google LLC',
      country: 'US',
      hosting: true,
      hostingProvider: 'Google',
      scope: 'public',
    });
    const microsoft = intel.lookup('2a01:111:f400::1');
    assert.equal(microsoft.asn, 8075);
    assert.equal(microsoft.hostingProvider, 'Microsoft');
    assert.equal(intel.lookup('2A01:0111:F400:0000::0001').asn, 8075);
    const telekom = intel.lookup('2003::1');
    assert.equal(telekom.asn, 3320);
    assert.equal(telekom.hosting, false);
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address', () => {
    assert.deepEqual(intel.lookup('::ffff:8.8.8.8'), intel.lookup('8.8.8.8'));
    assert.deepEqual(intel.lookup('::ffff:0808:0808'), intel.lookup('8.8.8.8'));
    assert.equal(intel.lookup('::ffff:10.0.0.1').scope, 'private');
  });

  it('names nobody for private, loopback, link-local, CGNAT, multicast, reserved and documentation space', () => {
    for (const ip of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.10',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '224.0.0.251',
      '240.0.0.1',
      '255.255.255.255',
      '0.0.0.0',
      '192.0.2.10',
      '198.51.100.10',
      '203.0.113.10',
      '::1',
      '::',
      'fe80::1%eth0',
      'fd00::1',
      'ff02::1',
      '2001:db8::1',
    ]) {
      assert.deepEqual(intel.lookup(ip), { ...nothing, scope: 'private' }, ip);
    }
  });

  it('tells empty from invalid input', () => {
    assert.deepEqual(intel.lookup(null), { ...nothing, scope: 'empty' });
    assert.deepEqual(intel.lookup(''), { ...nothing, scope: 'empty' });
    for (const ip of [
      '075.050.255.67',
      'not an ip',
      ' 8.8.8.8',
      '8.8.8.8 ',
      '999.1.1.1',
      '2001:db8::g',
      '1.2.3.4/32',
    ]) {
      assert.deepEqual(intel.lookup(ip), { ...nothing, scope: 'invalid' }, ip);
    }
  });

  it('never throws, even for values that are not strings', () => {
    for (const value of [undefined, 42, {}, [], Symbol('x'), 8.8, true]) {
      assert.equal(intel.lookup(value as unknown as string).scope, value === undefined ? 'empty' : 'invalid');
    }
    let state = 5;
    for (let i = 0; i < 5_000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const text = String.fromCharCode(
        ...Array.from({ length: state % 40 }, (_, j) => 0x20 + ((state >>> (j % 24)) % 0x5f)),
      );
      assert.ok(['public', 'private', 'invalid', 'empty'].includes(intel.lookup(text).scope));
    }
  });

  it('hands out results the caller cannot corrupt for everyone else', () => {
    const shared = intel.lookup('10.0.0.1') as { hosting: boolean | null };
    assert.throws(() => {
      shared.hosting = true;
    }, TypeError);
    assert.equal(intel.lookup('10.0.0.2').hosting, null);
  });
});

describe('loadIpIntel options', () => {
  let intel: IpIntel;
  before(async () => {
    intel = await loadIpIntel({
      hostingRanges: [
        { cidr: '79.192.0.0/16', provider: 'Branch office colo' },
        { cidr: '20.190.128.0/18', provider: 'Entra ID' },
        { cidr: '2003::/19', provider: 'Lab v6' },
        { cidr: '::ffff:73.0.0.0/120', provider: 'Mapped block' },
      ],
      hostingAsns: { 7922: 'Comcast Business' },
    });
  });

  it('lets a user range win over the ASN verdict, keeping the AS facts', () => {
    const facts: IpFacts = intel.lookup('79.192.0.1');
    assert.equal(facts.asn, 3320);
    assert.equal(facts.hosting, true);
    assert.equal(facts.hostingProvider, 'Branch office colo');
    assert.equal(intel.lookup('79.193.0.1').hosting, false);
    assert.equal(intel.lookup('20.190.128.1').hostingProvider, 'Entra ID');
    assert.equal(intel.lookup('20.190.192.1').hostingProvider, 'Microsoft');
    assert.equal(intel.lookup('2003::1').hostingProvider, 'Lab v6');
    assert.equal(intel.lookup('73.0.0.1').hostingProvider, 'Mapped block');
  });

  it('adds extra hosting AS numbers', () => {
    assert.equal(intel.lookup('73.128.0.1').asn, 7922);
    assert.equal(intel.lookup('73.128.0.1').hostingProvider, 'Comcast Business');
  });

  it('rejects configuration it cannot use, naming the entry', async () => {
    await assert.rejects(
      loadIpIntel({ hostingRanges: [{ cidr: '10.0.0.0/33', provider: 'x' }] }),
      /10\.0\.0\.0\/33/,
    );
    await assert.rejects(
      loadIpIntel({ hostingRanges: [{ cidr: '10.0.0.0/8', provider: '' }] }),
      /hostingRanges/,
    );
    await assert.rejects(loadIpIntel({ hostingAsns: { [-1]: 'x' } }), /hostingAsns/);
  });

  it('reads data from other locations, and says hosting is unknown where no AS is known', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-ip-intel-'));
    try {
      // Only 8.8.8.0/24 is known to this data set.
      await writeFile(join(dir, ASN_CSV_FILES.ipv4), '134744064,134744319,15169,Google LLC\n');
      await writeFile(join(dir, ASN_CSV_FILES.ipv6), '');
      const small = await loadIpIntel({
        asnDataDir: dir,
        hostingRanges: [{ cidr: '9.9.9.0/24', provider: 'Quad9 POP' }],
      });
      assert.equal(small.stats.asnRanges, 1);
      assert.equal(small.lookup('8.8.8.8').hostingProvider, 'Google');
      assert.deepEqual(small.lookup('8.8.4.4'), {
        asn: null,
        asOrg: null,
        country: 'US',
        hosting: null,
        hostingProvider: null,
        scope: 'public',
      });
      assert.deepEqual(small.lookup('9.9.9.9'), {
        asn: null,
        asOrg: null,
        country: small.lookup('9.9.9.9').country,
        hosting: true,
        hostingProvider: 'Quad9 POP',
        scope: 'public',
      });
      await assert.rejects(loadIpIntel({ asnDataDir: join(dir, 'missing') }), /ENOENT/);
      await assert.rejects(loadIpIntel({ countryMmdbPath: join(dir, 'missing.mmdb') }), /ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
