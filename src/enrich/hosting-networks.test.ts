import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAsnDatabase } from './asn-database.ts';
import { defaultDataPaths } from './default-data-paths.ts';
import { HOSTING_ASNS, HOSTING_PROVIDERS, hostingProviderForAs } from './hosting-networks.ts';

describe('hosting networks', () => {
  it('lists every AS number once', () => {
    const all = Object.values(HOSTING_PROVIDERS).flat();
    assert.equal(new Set(all).size, all.length);
    assert.equal(HOSTING_ASNS.size, all.length);
  });

  it('lists only AS numbers that the bundled ASN data knows (a typo guard)', async () => {
    const { asns } = await loadAsnDatabase(defaultDataPaths().asnDataDir);
    const known = new Set(asns);
    const missing = [...HOSTING_ASNS.keys()].filter((asn) => !known.has(asn));
    assert.deepEqual(missing, []);
  });

  it('names the provider for known networks, whatever the AS organisation says', () => {
    assert.equal(hostingProviderForAs(8075, 'Microsoft Corporation'), 'Microsoft');
    assert.equal(hostingProviderForAs(16509, 'Amazon.com, Inc.'), 'Amazon');
    assert.equal(hostingProviderForAs(24940, 'Hetzner Online GmbH'), 'Hetzner');
    assert.equal(hostingProviderForAs(13335, 'Cloudflare, Inc.'), 'Cloudflare');
  });

  it('falls back to AS-organisation keywords, naming the organisation', () => {
    assert.equal(hostingProviderForAs(64500, 'Example Hosting B.V.'), 'Example Hosting B.V.');
    assert.equal(hostingProviderForAs(64501, 'Kaopu Cloud HK Limited'), 'Kaopu Cloud HK Limited');
    assert.equal(hostingProviderForAs(64502, 'Iron Mountain Data Center'), 'Iron Mountain Data Center');
    assert.equal(hostingProviderForAs(64503, 'SMART DATACENTER LTDA'), 'SMART DATACENTER LTDA');
    assert.equal(hostingProviderForAs(64504, 'UK Dedicated Servers Limited'), 'UK Dedicated Servers Limited');
    assert.equal(hostingProviderForAs(64505, 'DREAM VPS LTD'), 'DREAM VPS LTD');
    assert.equal(
      hostingProviderForAs(64506, 'Colocation America Corporation'),
      'Colocation America Corporation',
    );
  });

  it('does not match keywords inside words, or residential networks', () => {
    assert.equal(hostingProviderForAs(64510, 'Cloudflare, Inc.'), null);
    assert.equal(hostingProviderForAs(64511, 'Hostinger International Limited'), null);
    assert.equal(hostingProviderForAs(3320, 'Deutsche Telekom AG'), null);
    assert.equal(hostingProviderForAs(7922, 'Comcast Cable Communications, LLC'), null);
    assert.equal(hostingProviderForAs(16591, 'Google Fiber Inc.'), null);
    assert.equal(hostingProviderForAs(64512, null), null);
  });

  it('lets extra AS numbers add and rename providers', () => {
    const extra = new Map([
      [3320, 'Telekom Cloud'],
      [8075, 'Azure'],
    ]);
    assert.equal(hostingProviderForAs(3320, 'Deutsche Telekom AG', extra), 'Telekom Cloud');
    assert.equal(hostingProviderForAs(8075, 'Microsoft Corporation', extra), 'Azure');
  });
});
