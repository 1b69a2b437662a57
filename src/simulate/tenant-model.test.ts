import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcingAsns } from './announced-prefixes.fixture.ts';
import { createTenantModel, MODEL_EPOCH } from './tenant-model.ts';

describe('createTenantModel', () => {
  it('is the same model for the same seed', () => {
    assert.equal(
      JSON.stringify(createTenantModel({ seed: 11 })),
      JSON.stringify(createTenantModel({ seed: 11 })),
    );
    assert.notEqual(
      JSON.stringify(createTenantModel({ seed: 11 })),
      JSON.stringify(createTenantModel({ seed: 12 })),
    );
  });

  it('has the asked counts, unique names and ids, and the given tenant id', () => {
    const tenantId = '3f2c8a8e-6f5b-4b8e-9a51-0d3c2f1e4b7a';
    const model = createTenantModel({ seed: 5, tenantId, principals: 120, managedIdentities: 30 });
    assert.equal(model.tenantId, tenantId);
    assert.equal(model.principals.length, 120);
    assert.equal(model.managedIdentities.length, 30);
    const names = [...model.principals, ...model.managedIdentities].map((p) => p.displayName);
    assert.equal(new Set(names).size, names.length);
    const ids = [...model.principals, ...model.managedIdentities].flatMap((p) => [p.objectId, p.appId]);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of model.principals) assert.match(p.displayName, /^[a-z]+(-[a-z0-9]+)+$/);
  });

  it('mixes credential kinds, multi-tenant apps and both managed identity types', () => {
    const model = createTenantModel({ seed: 3 });
    const kinds = new Set(model.principals.map((p) => p.clientCredentialType));
    assert.deepEqual([...kinds].sort(), ['clientAssertion', 'clientSecret', 'federatedIdentityCredential']);
    const foreign = model.principals.filter((p) => p.appOwnerOrganizationId !== model.tenantId);
    assert.ok(foreign.length >= 1);
    for (const p of foreign) assert.equal(p.applicationObjectId, null);
    const msiTypes = new Set(model.managedIdentities.map((m) => m.msiType));
    assert.deepEqual([...msiTypes].sort(), ['systemAssigned', 'userAssigned']);
    for (const m of model.managedIdentities) {
      assert.match(
        m.associatedResourceId,
        /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/rg-[a-z-]+\/providers\//,
      );
    }
  });

  it('gives each workload egress addresses inside prefixes announced by its provider ASN', () => {
    const model = createTenantModel({ seed: 1, principals: 80, managedIdentities: 20 });
    const workloads = [...model.principals, ...model.managedIdentities];
    const prefixes = new Map<string, number>();
    for (const w of workloads) {
      for (const cidr of w.prefixes) {
        assert.ok(w.network.prefixes.includes(cidr));
        assert.ok(cidr.endsWith('.0/24'));
        prefixes.set(cidr, w.network.asn);
      }
      for (const ip of w.ipPool) {
        assert.ok(
          w.prefixes.some((cidr) => ip.startsWith(cidr.slice(0, -4))),
          `${ip} outside ${w.prefixes.join(' ')}`,
        );
      }
    }
    // Each /24 must sit inside one range the ASN table attributes to the provider's ASN.
    const owner = announcingAsns([...prefixes.keys()]);
    for (const [cidr, asn] of prefixes)
      assert.equal(owner.get(cidr), asn, `${cidr} is not announced by AS${asn}`);
    assert.deepEqual(new Set(prefixes.values()), new Set([8075, 16509, 15169]));
  });
});

describe('createTenantModel with an epoch', () => {
  it('draws credentials and creation dates around it, so keys in use are valid from it on', () => {
    const epoch = Date.UTC(2027, 2, 15, 9);
    const model = createTenantModel({ seed: 8, principals: 60, managedIdentities: 10, epoch });
    assert.equal(model.epoch, epoch);
    for (const p of model.principals) {
      assert.ok(Date.parse(p.createdDateTime) < epoch, p.displayName);
      for (const c of p.signInCredentials) {
        if (c.type === 'federated') continue;
        assert.ok(
          Date.parse(c.startDateTime) < epoch && Date.parse(c.endDateTime) > epoch + 30 * 86_400_000,
          `${p.displayName}: ${c.keyId} valid ${c.startDateTime} to ${c.endDateTime}`,
        );
        assert.equal(c.expired, false);
      }
      if (p.expiredSecret)
        assert.ok(
          p.expiredSecret.expired && Date.parse(p.expiredSecret.endDateTime) < epoch,
          `${p.displayName}: the old secret is still valid`,
        );
    }
    assert.equal(createTenantModel({ seed: 8 }).epoch, MODEL_EPOCH);
  });
});
