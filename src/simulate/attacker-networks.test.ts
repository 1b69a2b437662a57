import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type IpIntel, loadIpIntel } from '../enrich/ip-intel.ts';
import { announcingAsns } from './announced-prefixes.fixture.ts';
import { ATTACKER_NETWORKS } from './attacker-networks.ts';
import { RUNNER_REGIONS } from './ci-runners.ts';
import { CLOUD_NETWORKS } from './tenant-model.ts';

let intel: IpIntel;
before(async () => {
  intel = await loadIpIntel();
});

const ends = (cidr: string) => {
  const base = cidr.slice(0, cidr.lastIndexOf('.'));
  return [`${base}.0`, `${base}.255`];
};

describe('attacker and runner networks', () => {
  it('are announced by the ASN they claim and placed in the country they claim, end to end', () => {
    const networks = [...ATTACKER_NETWORKS, ...RUNNER_REGIONS];
    const owners = announcingAsns(networks.flatMap((n) => n.prefixes));
    for (const n of networks) {
      for (const cidr of n.prefixes) {
        assert.equal(owners.get(cidr), n.asn, `${cidr} is not wholly announced by AS${n.asn}`);
        for (const ip of ends(cidr)) {
          const facts = intel.lookup(ip);
          assert.equal(facts.asn, n.asn, ip);
          assert.equal(facts.country, n.countryOrRegion, `${ip} is not in ${n.countryOrRegion}`);
        }
      }
    }
  });

  it('are hosting or residential as enrichment will judge them, and owned by whom they say', () => {
    for (const n of ATTACKER_NETWORKS) {
      const facts = intel.lookup(ends(n.prefixes[0]!)[0]!);
      assert.equal(facts.hosting, n.kind === 'hosting', `${n.owner} ${n.prefixes[0]}`);
      assert.equal(facts.asOrg, n.owner);
    }
    for (const r of RUNNER_REGIONS)
      assert.equal(intel.lookup(ends(r.prefixes[0]!)[0]!).hostingProvider, 'Microsoft');
  });

  it('share no /24 with the workloads, and cover the providers attackers rent from', () => {
    const workload = new Set([
      ...CLOUD_NETWORKS.flatMap((n) => n.prefixes),
      ...RUNNER_REGIONS.flatMap((r) => r.prefixes),
    ]);
    const attacker = ATTACKER_NETWORKS.flatMap((n) => n.prefixes);
    assert.equal(new Set(attacker).size, attacker.length);
    for (const cidr of attacker) assert.ok(!workload.has(cidr), cidr);
    const asns = new Set(ATTACKER_NETWORKS.filter((n) => n.kind === 'hosting').map((n) => n.asn));
    for (const asn of [14061, 20473, 16276, 24940, 9009]) assert.ok(asns.has(asn), `no AS${asn} network`);
    assert.ok(ATTACKER_NETWORKS.filter((n) => n.kind === 'residential').length >= 5);
  });
});
