import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryPages } from './inventory-records.ts';
import { generateSignInLines } from './sign-in-records.ts';
import { createTenantModel } from './tenant-model.ts';

type Credential = { keyId: string; customKeyIdentifier?: string | null };
type GraphObject = {
  id: string;
  appId: string;
  appOwnerOrganizationId?: string;
  servicePrincipalType?: string;
  keyCredentials: (Credential & Record<string, unknown>)[];
  passwordCredentials: (Credential & Record<string, unknown>)[];
  federatedIdentityCredentials?: { id: string; issuer: string; subject: string; audiences: string[] }[];
};
type Page = { '@odata.context': string; '@odata.nextLink'?: string; value: GraphObject[] };

const model = createTenantModel({ seed: 30, principals: 60, managedIdentities: 15 });
const inventory = inventoryPages(model, 25) as { servicePrincipals: Page[]; applications: Page[] };
const servicePrincipals = inventory.servicePrincipals.flatMap((p) => p.value);
const applications = inventory.applications.flatMap((p) => p.value);

describe('inventoryPages', () => {
  it('pages servicePrincipals and applications with Graph context and next links', () => {
    assert.equal(servicePrincipals.length, model.resources.length + 60 + 15);
    for (const [name, pages] of Object.entries(inventory)) {
      assert.ok(pages.length > 1);
      pages.forEach((page, i) => {
        assert.equal(page['@odata.context'], `https://graph.microsoft.com/v1.0/$metadata#${name}`);
        assert.ok(page.value.length <= 25);
        if (i < pages.length - 1) {
          assert.match(
            page['@odata.nextLink']!,
            new RegExp(`^https://graph.microsoft.com/v1.0/${name}\\?\\$skiptoken=`),
          );
        } else {
          assert.equal(page['@odata.nextLink'], undefined);
        }
      });
    }
    assert.deepEqual(inventoryPages(model, 25), inventoryPages(model, 25));
    assert.equal(
      inventoryPages(createTenantModel({ seed: 1, principals: 1, managedIdentities: 0 })).applications.length,
      1,
    );
  });

  it('lists credentials in Graph form', () => {
    const keys = [...servicePrincipals, ...applications].flatMap((o) => o.keyCredentials);
    const passwords = [...servicePrincipals, ...applications].flatMap((o) => o.passwordCredentials);
    assert.ok(keys.length > 0 && passwords.length > 0);
    for (const k of keys) {
      assert.match(k.customKeyIdentifier!, /^[0-9A-F]{40}$/);
      assert.equal(k.type, 'AsymmetricX509Cert');
      assert.equal(k.usage, 'Verify');
      assert.match(k.displayName as string, /^CN=/);
      assert.ok((k.startDateTime as string) < (k.endDateTime as string));
    }
    for (const p of passwords) {
      assert.match(p.hint as string, /^[A-Za-z0-9]{3}$/);
      assert.equal(p.secretText, null);
    }
    const fics = applications.flatMap((a) => a.federatedIdentityCredentials ?? []);
    assert.ok(fics.length > 0);
    for (const f of fics) {
      assert.equal(f.issuer, 'https://token.actions.githubusercontent.com');
      assert.match(
        f.subject,
        new RegExp(`^repo:${model.organization}/[a-z-]+:(ref:refs/heads/main|environment:production)$`),
      );
      assert.deepEqual(f.audiences, ['api://AzureADTokenExchange']);
    }
    const types = new Set(servicePrincipals.map((s) => s.servicePrincipalType));
    assert.deepEqual([...types].sort(), ['Application', 'ManagedIdentity']);
    const foreign = servicePrincipals.filter(
      (s) => s.appOwnerOrganizationId !== model.tenantId && s.appOwnerOrganizationId !== undefined,
    );
    assert.ok(
      foreign.some((s) => !model.resources.some((r) => r.appId === s.appId)),
      'no multi-tenant vendor app',
    );
  });

  it('holds every principal, keyId, thumbprint and federated credential that sign-ins use', () => {
    const principalIds = new Set(servicePrincipals.map((s) => s.id));
    const thumbprints = new Map<string, string | null>();
    for (const o of [...servicePrincipals, ...applications]) {
      for (const k of o.keyCredentials) thumbprints.set(k.keyId, k.customKeyIdentifier ?? null);
      for (const p of o.passwordCredentials) thumbprints.set(p.keyId, null);
    }
    const ficIds = new Set(
      applications.flatMap((a) => (a.federatedIdentityCredentials ?? []).map((f) => f.id)),
    );
    let keyed = 0;
    let federated = 0;
    const start = new Date('2026-08-01T00:00:00Z');
    for (const line of generateSignInLines(model, { seed: 31, count: 10_000, start, days: 30 })) {
      const p = JSON.parse(line).properties as Record<string, string>;
      assert.ok(
        principalIds.has(p.servicePrincipalId!),
        `sign-in by unknown principal ${p.servicePrincipalId}`,
      );
      assert.ok(principalIds.has(p.resourceServicePrincipalId!), 'sign-in to unknown resource principal');
      const keyId = p.servicePrincipalCredentialKeyId!;
      if (keyId !== '') {
        keyed++;
        assert.ok(thumbprints.has(keyId), `keyId ${keyId} not in the inventory`);
        assert.equal(p.servicePrincipalCredentialThumbprint || null, thumbprints.get(keyId));
      }
      if (p.federatedCredentialId !== '') {
        federated++;
        assert.ok(ficIds.has(p.federatedCredentialId!));
      }
    }
    assert.ok(keyed > 5000 && federated > 0);
  });
});
